package nats

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// storedMsgs is the number of messages in stream, 0 when it is unreadable.
func storedMsgs(t testing.TB, js jetstream.JetStream, stream string) uint64 {
	st, err := js.Stream(testCtx(t), stream)
	if err != nil {
		return 0
	}
	info, err := st.Info(testCtx(t))
	if err != nil {
		return 0
	}
	return info.State.Msgs
}

// A server restart (same port, same store) interrupts neither direction:
// the input resumes pulling, the output's publishes wait for the reconnect,
// and nothing is lost.
func TestServerRestartIsSurvived(t *testing.T) {
	store := t.TempDir()
	first := natstest.Start(t, func(o *server.Options) { o.StoreDir = store })
	port := first.Addr().(*net.TCPAddr).Port
	url := natstest.URL(first)
	_, js := testJS(t, first)
	if _, err := EnsureStream(testCtx(t), js, "rsigma-events", "events.>"); err != nil {
		t.Fatal(err)
	}
	stop := runStream(t, inputYAML(url, "events.>"), "sigma_nats_jetstream:\n  url: "+url+"\n  subject: detections\n", nil)
	publish(t, js, "events.x", events(50)...)
	poll.Wait(t, 10*time.Second, "first half through", func() bool { return storedMsgs(t, js, "rsigma-detections") >= 50 })

	first.Shutdown()
	first.WaitForShutdown()
	second := natstest.Start(t, func(o *server.Options) { o.StoreDir, o.Port = store, port })
	_, js2 := testJS(t, second)
	publish(t, js2, "events.y", events(50)...)
	poll.Wait(t, 30*time.Second, "second half through after the restart", func() bool {
		return storedMsgs(t, js2, "rsigma-detections") >= 100
	})
	poll.Wait(t, 10*time.Second, "everything acked", func() bool {
		info := consumerState(t, js2, "rsigma-events", "rsigma-daemon-events")
		return info.NumAckPending == 0 && info.AckFloor.Stream == 100
	})
	stop()
}

// Stopping a stream while its server is unreachable does not hang.
func TestStopWhileServerIsDown(t *testing.T) {
	s := natstest.Start(t, nil)
	url := natstest.URL(s)
	c := &collector{}
	stop := runStream(t, inputYAML(url, "events.>"), "", c)
	_, js := testJS(t, s)
	publish(t, js, "events.x", `{"a":1}`)
	poll.Wait(t, 10*time.Second, "one event", func() bool { return len(c.snapshot()) == 1 })
	s.Shutdown()
	s.WaitForShutdown()
	start := time.Now()
	stop()
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("stop took %v", d)
	}
}

// When the server refuses the connection for good (credentials revoked),
// the input ends: the stream drains and Run returns nil (spec/nats-and-tls.md
// §1.4: the source is exhausted).
func TestRevokedCredentialsEndTheInput(t *testing.T) {
	var opts *server.Options
	// No system account, so no system events: nats-server (v2.15.2, and its
	// head today) builds the auth-error event of a revoked client from the
	// client's message counters without atomics while the client's read
	// loop adds to them, a data race that -race reported here once.
	s := natstest.Start(t, func(o *server.Options) { o.Authorization = "old"; o.NoSystemAccount = true; opts = o })
	sb := service.NewStreamBuilder()
	sb.SetLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := sb.AddInputYAML(inputYAML(natstest.URL(s), "events.>", "auth:", "  token: old")); err != nil {
		t.Fatal(err)
	}
	c := &collector{}
	if err := sb.AddConsumerFunc(c.handle); err != nil {
		t.Fatal(err)
	}
	strm, err := sb.Build()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- strm.Run(context.Background()) }()
	_, js := testJS(t, s, natsgo.Token("old"))
	poll.Wait(t, 10*time.Second, "input stream", func() bool { return streamExists(t, js, "rsigma-events") })
	publish(t, js, "events.x", `{"a":1}`)
	poll.Wait(t, 10*time.Second, "one event", func() bool { return len(c.snapshot()) == 1 })

	revoked := opts.Clone()
	revoked.Authorization = "new"
	if err := s.ReloadOptions(revoked); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		_ = strm.StopWithin(time.Second)
		t.Fatal("the input did not end after its credentials were revoked")
	}
}

func streamExists(t testing.TB, js jetstream.JetStream, name string) bool {
	_, err := js.Stream(testCtx(t), name)
	return err == nil
}
