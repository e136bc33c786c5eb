package daemon

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/server"
)

// TestMergedInputCarriesPrimaryAndQueuedLines runs a real stream whose
// primary input ends after three messages while lines are queued as the
// OTLP receivers would; the stream must see all of them and then end.
func TestMergedInputCarriesPrimaryAndQueuedLines(t *testing.T) {
	rig := newMergedRig(t, `  generate:
    count: 3
    interval: 20ms
    mapping: 'root = {"primary": counter()}'
`) // input_end_test.go
	if !strings.Contains(rig.yaml, mergedInputName+":\n        primary:\n            generate:") {
		t.Fatalf("input not wrapped:\n%s", rig.yaml)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rig.strm.Run(ctx); err != nil {
		t.Fatalf("stream did not end with its primary input: %v", err)
	}
	got := rig.sink.lines()
	sort.Strings(got)
	want := `{"otlp":1} {"otlp":2} {"primary":1} {"primary":2} {"primary":3}`
	if strings.Join(got, " ") != want {
		t.Fatalf("stream saw %q, want %s", got, want)
	}
	if err := rig.queue.Push(context.Background(), []byte("late")); err != server.ErrQueueClosed {
		t.Fatalf("push after the primary ended = %v, want ErrQueueClosed", err)
	}
}

// collectOutput is a stream output that keeps every message.
type collectOutput struct {
	mu  sync.Mutex
	got []string
}

func (c *collectOutput) Connect(context.Context) error { return nil }
func (c *collectOutput) Close(context.Context) error   { return nil }
func (c *collectOutput) Write(_ context.Context, m *service.Message) error {
	b, err := m.AsBytes()
	c.mu.Lock()
	c.got = append(c.got, string(b))
	c.mu.Unlock()
	return err
}

func (c *collectOutput) lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.got...)
}
