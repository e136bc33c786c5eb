package otlp

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/rsigma-connect/rsigma-connect/server"
)

// collector is a Sink that records events, or refuses them once closed.
type collector struct {
	mu     sync.Mutex
	events []string
	closed bool
}

func (c *collector) sink(_ context.Context, event []byte, hold *server.Hold) error {
	defer hold.Release() // copied below
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrSinkClosed
	}
	c.events = append(c.events, string(event))
	return nil
}

func (c *collector) snapshot() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.events...)
}

func (c *collector) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
}

// receiverFixture is a Receiver on a real http.Server over 127.0.0.1:0 that
// speaks HTTP/1.1 and h2c prior knowledge, like the daemon's plaintext
// listener.
type receiverFixture struct {
	sink    *collector
	metrics *Metrics
	budget  *server.IngestBudget // nil: unbounded
	addr    string
}

func startReceiver(t *testing.T, serve func(*http.Server, net.Listener) error) *receiverFixture {
	t.Helper()
	return startBudgetedReceiver(t, serve, nil)
}

// startBudgetedReceiver is startReceiver bounded by budget.
func startBudgetedReceiver(t *testing.T, serve func(*http.Server, net.Listener) error, budget *server.IngestBudget) *receiverFixture {
	t.Helper()
	f := &receiverFixture{sink: &collector{}, metrics: NewMetrics(), budget: budget}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(f.metrics.Collectors()...)
	recv := NewReceiver(ReceiverConfig{Sink: f.sink.sink, Metrics: f.metrics, Log: slog.New(slog.DiscardHandler), Budget: budget})
	mux := http.NewServeMux()
	recv.Register(mux)
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: mux, Protocols: &protocols, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = ln.Addr().String()
	if serve == nil {
		serve = (*http.Server).Serve
	}
	go func() { _ = serve(srv, ln) }()
	t.Cleanup(func() {
		_ = srv.Close()
		recv.Close()
	})
	return f
}

func (f *receiverFixture) requests(transport, encoding string) float64 {
	return counterValue(f.metrics.Requests.WithLabelValues(transport, encoding))
}

func (f *receiverFixture) errors(transport, reason string) float64 {
	return counterValue(f.metrics.Errors.WithLabelValues(transport, reason))
}

func (f *receiverFixture) records() float64 { return counterValue(f.metrics.LogRecords) }

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}
