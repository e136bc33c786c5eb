package daemon

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// busyMergedStream builds a stream whose input is sigma_merged_input over an
// endless, fast primary, with lines queued as the OTLP receivers would.
func busyMergedStream(t *testing.T) (*service.Stream, *collectOutput, *atomic.Pointer[mergedInput]) {
	t.Helper()
	env := service.NewEnvironment()
	sink := &collectOutput{}
	if err := env.RegisterOutput("test_collect", service.NewConfigSpec(),
		func(*service.ParsedConfig, *service.Resources) (service.Output, int, error) { return sink, 1, nil }); err != nil {
		t.Fatal(err)
	}
	iq := newIngestQueue(16)
	var merged atomic.Pointer[mergedInput]
	if err := registerMergedInput(env, iq, 4, merged.Store); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{`{"otlp":1}`, `{"otlp":2}`} {
		if err := iq.Push(context.Background(), []byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	streamYAML, err := mergeInputYAML(`input:
  generate:
    count: 0
    interval: ""
    batch_size: 4
    mapping: 'root = {"primary": counter()}'
output:
  test_collect: {}
`)
	if err != nil {
		t.Fatal(err)
	}
	sb := env.NewStreamBuilder()
	sb.SetLogger(slog.New(slog.DiscardHandler))
	if err := sb.SetYAML(streamYAML); err != nil {
		t.Fatal(err)
	}
	strm, err := sb.Build()
	if err != nil {
		t.Fatal(err)
	}
	return strm, sink, &merged
}

func waitCollected(t *testing.T, sink *collectOutput, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(sink.lines()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d messages collected, want %d", len(sink.lines()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// EndPrimary ends the stream the way the end of stdin does: the primary is
// no longer read, the queued OTLP lines still are, and Run returns.
func TestMergedInputEndPrimaryEndsTheStream(t *testing.T) {
	strm, sink, merged := busyMergedStream(t)
	runErr := make(chan error, 1)
	go func() { runErr <- strm.Run(context.Background()) }()
	waitCollected(t, sink, 100)
	merged.Load().EndPrimary()
	select {
	case err := <-runErr:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the stream did not end after EndPrimary")
	}
	got := strings.Join(sink.lines(), " ")
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
		strm, sink, _ := busyMergedStream(t)
		runErr := make(chan error, 1)
		go func() { runErr <- strm.Run(context.Background()) }()
		waitCollected(t, sink, 1000)
		_ = strm.StopWithin(time.Second)
		select {
		case <-runErr:
		case <-time.After(20 * time.Second):
			t.Fatalf("run %d: Run did not return after StopWithin", i)
		}
	}
}
