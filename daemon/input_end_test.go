package daemon

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/internal/poll"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// mergedRig is a stream whose input is sigma_merged_input over primary,
// with two lines queued as the OTLP receivers would, and an output that
// keeps every message.
type mergedRig struct {
	strm   *service.Stream
	yaml   string // the stream config, input wrapped
	sink   *collectOutput
	queue  *server.LineQueue
	merged *atomic.Pointer[mergedInput]
}

func newMergedRig(t *testing.T, primary string) mergedRig {
	t.Helper()
	env := service.NewEnvironment()
	rig := mergedRig{sink: &collectOutput{}, merged: &atomic.Pointer[mergedInput]{}}
	if err := env.RegisterOutput("test_collect", service.NewConfigSpec(),
		func(*service.ParsedConfig, *service.Resources) (service.Output, int, error) { return rig.sink, 1, nil }); err != nil {
		t.Fatal(err)
	}
	iq := newIngestQueue(16)
	rig.queue = iq.LineQueue
	if err := registerMergedInput(env, iq, 4, rig.merged.Store); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{`{"otlp":1}`, `{"otlp":2}`} {
		if err := rig.queue.Push(context.Background(), []byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if rig.yaml, err = mergeInputYAML("input:\n" + primary + "output:\n  test_collect: {}\n"); err != nil {
		t.Fatal(err)
	}
	sb := env.NewStreamBuilder()
	sb.SetLogger(slog.New(slog.DiscardHandler))
	if err := sb.SetYAML(rig.yaml); err != nil {
		t.Fatal(err)
	}
	if rig.strm, err = sb.Build(); err != nil {
		t.Fatal(err)
	}
	return rig
}

// busyPrimary is an endless primary input that produces as fast as it can.
const busyPrimary = `  generate:
    count: 0
    interval: ""
    batch_size: 4
    mapping: 'root = {"primary": counter()}'
`

func waitCollected(t *testing.T, sink *collectOutput, n int) {
	t.Helper()
	if !poll.Until(20*time.Second, func() bool { return len(sink.lines()) >= n }) {
		t.Fatalf("%d messages collected, want %d", len(sink.lines()), n)
	}
}

// EndPrimary ends the stream the way the end of stdin does: the primary is
// no longer read, the queued OTLP lines still are, and Run returns.
func TestMergedInputEndPrimaryEndsTheStream(t *testing.T) {
	rig := newMergedRig(t, busyPrimary)
	runErr := make(chan error, 1)
	go func() { runErr <- rig.strm.Run(context.Background()) }()
	waitCollected(t, rig.sink, 100)
	rig.merged.Load().EndPrimary()
	select {
	case err := <-runErr:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the stream did not end after EndPrimary")
	}
	got := strings.Join(rig.sink.lines(), " ")
	if !strings.Contains(got, `{"otlp":1}`) || !strings.Contains(got, `{"otlp":2}`) {
		t.Fatalf("queued lines lost: %.200s", got)
	}
}

// Issue 13, item 2: stopping a stream whose primary is busy hung for good.
// The framework drops a batch it reads while stopping, without its
// acknowledgement, and closing the primary waited for that acknowledgement.
// Close nacks such batches now, so a stop always completes.
func TestMergedInputStopWhileBusyCompletes(t *testing.T) {
	for i := 0; i < 5; i++ {
		rig := newMergedRig(t, busyPrimary)
		runErr := make(chan error, 1)
		go func() { runErr <- rig.strm.Run(context.Background()) }()
		waitCollected(t, rig.sink, 1000)
		_ = rig.strm.StopWithin(time.Second)
		select {
		case <-runErr:
		case <-time.After(20 * time.Second):
			t.Fatalf("run %d: Run did not return after StopWithin", i)
		}
	}
}
