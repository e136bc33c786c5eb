package sink_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/otlp"
	"github.com/rsigma-connect/rsigma-connect/server"
	"github.com/rsigma-connect/rsigma-connect/sink"

	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// flakyReceiver is the daemon's OTLP receiver on 127.0.0.1 (HTTP/1.1 and
// h2c) whose queue refuses the first `refuse` requests (503 / UNAVAILABLE,
// as while it shuts down), then takes events; with hold set, taking waits
// until hold is closed.
type flakyReceiver struct {
	addr    string
	mu      sync.Mutex
	refuse  int
	calls   int
	events  []string
	hold    chan struct{}
	started chan struct{} // closed when the first held event arrives
	once    sync.Once
}

func startFlakyReceiver(t *testing.T, refuse int, hold bool) *flakyReceiver {
	t.Helper()
	r := &flakyReceiver{refuse: refuse, started: make(chan struct{})}
	if hold {
		r.hold = make(chan struct{})
	}
	recv := otlp.NewReceiver(otlp.ReceiverConfig{Metrics: otlp.NewMetrics(), Log: slog.New(slog.DiscardHandler),
		Sink: func(ctx context.Context, event []byte, h *server.Hold) error {
			defer h.Release()
			r.mu.Lock()
			r.calls++
			refused := r.calls <= r.refuse
			r.mu.Unlock()
			if refused {
				return otlp.ErrSinkClosed
			}
			if r.hold != nil {
				r.once.Do(func() { close(r.started) })
				select {
				case <-r.hold:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			r.mu.Lock()
			r.events = append(r.events, string(event))
			r.mu.Unlock()
			return nil
		}})
	mux := http.NewServeMux()
	recv.Register(mux)
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: mux, Protocols: &protocols, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close(); recv.Close() })
	return r
}

func (r *flakyReceiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

func (r *flakyReceiver) titles() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		i := strings.Index(e, `"body":"`)
		out = append(out, strings.SplitN(e[i+8:], `"`, 2)[0])
	}
	return out
}

// deliveryStream runs a stream whose output is a sigma_sink over an OTLP/HTTP
// sink to addr with the given settings, falling back to a file whose lines
// are the fallback_error of what it receives; dead-lettered results of drop
// mode go there too. It returns the producer and the fallback file.
func deliveryStream(t *testing.T, addr, settings string) (service.MessageHandlerFunc, string) {
	t.Helper()
	env := service.GlobalEnvironment().Clone()
	for _, register := range []func(*service.Environment) error{sink.RegisterDelivery, sink.RegisterOTLP, sink.RegisterFile} {
		if err := register(env); err != nil {
			t.Fatal(err)
		}
	}
	failed := filepath.Join(t.TempDir(), "failed.txt")
	sb := env.NewStreamBuilder()
	sb.SetLogger(slog.New(slog.DiscardHandler))
	produce, err := sb.AddProducerFunc()
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.AddResourcesYAML(fmt.Sprintf(`
output_resources:
  - label: dead
    sigma_file: {path: %q}
    processors: [{mapping: 'root = meta("fallback_error")'}]
`, failed)); err != nil {
		t.Fatal(err)
	}
	if err := sb.AddOutputYAML(fmt.Sprintf(`
fallback:
  - sigma_sink:
      sink: otlp
      backoff_base: 5ms
      backoff_max: 20ms
      dead_letter: dead
%s
      output:
        sigma_otlp: {endpoint: %q, protocol: http, timeout: 5s}
  - resource: dead
`, settings, addr)); err != nil {
		t.Fatal(err)
	}
	strm, err := sb.Build()
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = strm.Run(context.Background()) }()
	t.Cleanup(func() { _ = strm.StopWithin(10 * time.Second) })
	return produce, failed
}

func result(title string) *service.Message {
	return service.NewMessage([]byte(`{"rule_title":"` + title + `","rule_id":null,"level":"low","tags":[]}`))
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// A sink refused twice delivers on the third attempt when it may retry
// three times, and is dead-lettered with the sink's error when it may
// retry once.
func TestDeliveryRetriesThenFallsBack(t *testing.T) {
	t.Run("three retries deliver", func(t *testing.T) {
		r := startFlakyReceiver(t, 2, false)
		produce, failed := deliveryStream(t, r.addr, "      max_retries: 3")
		if err := produce(context.Background(), result("R1")); err != nil {
			t.Fatal(err)
		}
		if got := r.titles(); len(got) != 1 || got[0] != "R1" || len(readLines(t, failed)) != 0 {
			t.Fatalf("delivered %q, dead-lettered %q", got, readLines(t, failed))
		}
	})
	t.Run("one retry is not enough", func(t *testing.T) {
		r := startFlakyReceiver(t, 2, false)
		produce, failed := deliveryStream(t, r.addr, "      max_retries: 1")
		if err := produce(context.Background(), result("R1")); err != nil {
			t.Fatal(err)
		}
		lines := readLines(t, failed)
		if len(r.titles()) != 0 || len(lines) != 1 || !strings.Contains(lines[0], "otlp sink:") {
			t.Fatalf("delivered %q, dead-lettered %q", r.titles(), lines)
		}
	})
}

// With on_full: drop a result is acknowledged once queued; what finds the
// queue full is dropped, the rest is delivered in order.
func TestDeliveryDropsWhenTheQueueIsFull(t *testing.T) {
	r := startFlakyReceiver(t, 0, true)
	produce, _ := deliveryStream(t, r.addr, "      on_full: drop\n      queue_size: 2")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := produce(ctx, result("R1")); err != nil { // acknowledged at once, although the sink holds it
		t.Fatal(err)
	}
	<-r.started
	for _, title := range []string{"R2", "R3", "R4"} { // R2 fills the queue, R3 and R4 are dropped
		if err := produce(ctx, result(title)); err != nil {
			t.Fatal(err)
		}
	}
	close(r.hold)
	poll.Wait(t, 30*time.Second, "R1 and R2 delivered", func() bool { return len(r.titles()) == 2 })
	if err := produce(ctx, result("R5")); err != nil {
		t.Fatal(err)
	}
	poll.Wait(t, 30*time.Second, "R5 delivered", func() bool { return len(r.titles()) == 3 })
	if got := strings.Join(r.titles(), ","); got != "R1,R2,R5" {
		t.Fatalf("delivered %s, want R1,R2,R5", got)
	}
}

// A drop sink cannot hand failures back to the fallback (the results are
// acknowledged): it dead-letters them itself.
func TestDeliveryDropSinkDeadLettersFailures(t *testing.T) {
	r := startFlakyReceiver(t, 1000, false)
	produce, failed := deliveryStream(t, r.addr, "      on_full: drop\n      max_retries: 0")
	if err := produce(context.Background(), result("R1")); err != nil {
		t.Fatal(err)
	}
	poll.Wait(t, 30*time.Second, "a dead-letter line", func() bool { return len(readLines(t, failed)) == 1 })
	if l := readLines(t, failed)[0]; !strings.Contains(l, "otlp sink:") {
		t.Fatalf("dead-lettered %q", l)
	}
}

// A stream whose sigma_sink never received a result stops when its input
// ends: the sink closes the output it owns even though it was never written
// to (a daemon fed an empty stdin exits).
func TestDeliveryClosesWithoutAnyResult(t *testing.T) {
	for _, onFull := range []string{sink.OnFullBlock, sink.OnFullDrop} {
		t.Run(onFull, func(t *testing.T) {
			env := service.GlobalEnvironment().Clone()
			for _, register := range []func(*service.Environment) error{sink.RegisterDelivery, sink.RegisterFile} {
				if err := register(env); err != nil {
					t.Fatal(err)
				}
			}
			sb := env.NewStreamBuilder()
			sb.SetLogger(slog.New(slog.DiscardHandler))
			// One message, dropped before the output: the input ends with
			// nothing delivered.
			if err := sb.AddInputYAML(`generate: {count: 1, interval: "", mapping: 'root = "x"'}`); err != nil {
				t.Fatal(err)
			}
			if err := sb.AddProcessorYAML(`mapping: 'root = deleted()'`); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "out.ndjson")
			if err := sb.AddOutputYAML(fmt.Sprintf("sigma_sink: {sink: file, on_full: %s, output: {sigma_file: {path: %q}}}", onFull, path)); err != nil {
				t.Fatal(err)
			}
			strm, err := sb.Build()
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- strm.Run(context.Background()) }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("the stream ended with %v", err)
				}
			case <-time.After(20 * time.Second):
				_ = strm.StopWithin(time.Second)
				t.Fatal("the stream did not stop within 20s of its input's end")
			}
		})
	}
}
