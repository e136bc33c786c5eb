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
)

// collector is a Sink that records events, or refuses them once closed.
type collector struct {
	mu     sync.Mutex
	events []string
	closed bool
}

func (c *collector) sink(_ context.Context, events [][]byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrSinkClosed
	}
	for _, e := range events {
		c.events = append(c.events, string(e))
	}
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
	addr    string
}

func startReceiver(t *testing.T, serve func(*http.Server, net.Listener) error) *receiverFixture {
	t.Helper()
	f := &receiverFixture{sink: &collector{}, metrics: NewMetrics()}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(f.metrics.Collectors()...)
	recv := NewReceiver(f.sink.sink, f.metrics, slog.New(slog.DiscardHandler))
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
