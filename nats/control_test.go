package nats

import (
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
)

// Messages on the control subject trigger re-resolution: empty = all, else
// the payload (trimmed) is the source id.
func TestControlListener(t *testing.T) {
	s := natstest.Start(t, nil)
	got := make(chan string, 4)
	l, err := ListenControl(natstest.URL(s), Auth{}, nil, func(id string) bool { got <- id; return true })
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	nc, _ := testJS(t, s)
	for _, payload := range []string{"", " cmd_list\n"} {
		if err := nc.Publish(ControlSubject, []byte(payload)); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"", "cmd_list"} {
		select {
		case id := <-got:
			if id != want {
				t.Fatalf("trigger(%q), want %q", id, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no trigger for %q", want)
		}
	}
}
