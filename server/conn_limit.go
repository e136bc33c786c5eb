package server

import (
	"net"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Connection limits of the API listener.
const (
	// MaxConnectionsCap is the most connections served at once, whatever the
	// descriptor limit.
	MaxConnectionsCap = 1024
	// ProbeConnections is how many connections beyond the limit may still
	// ask /healthz, /readyz or /metrics.
	ProbeConnections = 16
	// ProbeLifetime bounds a probe-lane connection from accept to close,
	// TLS handshake included.
	ProbeLifetime = 3 * time.Second
)

// DefaultMaxConnections is half the process's descriptor limit, at most
// MaxConnectionsCap: the other half stays for the daemon's own files, sinks
// and NATS connections, so that a crowd of clients cannot make accept fail.
func DefaultMaxConnections() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur == 0 {
		return MaxConnectionsCap
	}
	return int(min(max(lim.Cur/2, 16), MaxConnectionsCap))
}

// Label values of rsigma_api_connections_rejected_total.
const (
	RejectLimit     = "limit"      // closed at accept: the limit and the probe lane are full
	RejectProbeLane = "probe_lane" // a probe-lane connection asked something else: 503
)

// ConnLimiter is a listener that serves at most max connections at once,
// so that many (slow, idle or hostile) clients cannot exhaust descriptors
// or goroutines, while liveness and readiness probes are still answered:
//
//   - up to max connections are served normally;
//   - beyond that, up to ProbeConnections more are accepted into a probe
//     lane: they live at most ProbeLifetime and may only ask /healthz,
//     /readyz or /metrics (Server answers anything else 503 with
//     Retry-After and closes them at once);
//   - beyond that, connections are closed as soon as they are accepted.
//
// It sits below TLS, so handshakes count too. Safe for concurrent use.
type ConnLimiter struct {
	net.Listener
	max      int64
	open     atomic.Int64
	probes   atomic.Int64
	rejected *prometheus.CounterVec
	gauge    prometheus.GaugeFunc
}

// LimitConnections wraps ln; max < 1 means DefaultMaxConnections().
func LimitConnections(ln net.Listener, max int) *ConnLimiter {
	if max < 1 {
		max = DefaultMaxConnections()
	}
	l := &ConnLimiter{Listener: ln, max: int64(max)}
	l.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rsigma_api_connections_rejected_total",
		Help: "API connections refused over the connection limit: closed at accept (limit) or answered 503 in the probe lane (probe_lane).",
	}, []string{"reason"})
	l.gauge = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "rsigma_api_connections",
		Help: "Open API connections, the probe lane included.",
	}, func() float64 { return float64(l.open.Load() + l.probes.Load()) })
	return l
}

// Max is the number of connections served normally.
func (l *ConnLimiter) Max() int { return int(l.max) }

// Collectors lists the limiter's metric families for registration.
func (l *ConnLimiter) Collectors() []prometheus.Collector {
	return []prometheus.Collector{l.rejected, l.gauge}
}

// Accept returns the next connection within the limit or the probe lane,
// closing those beyond both.
func (l *ConnLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) <= l.max {
			return &limitedConn{Conn: c, slots: &l.open}, nil
		}
		l.open.Add(-1)
		if l.probes.Add(1) <= ProbeConnections {
			return newProbeConn(c, &l.probes), nil
		}
		l.probes.Add(-1)
		l.rejected.WithLabelValues(RejectLimit).Inc()
		_ = c.Close()
	}
}

// limitedConn gives its slot back on its first Close.
type limitedConn struct {
	net.Conn
	slots  *atomic.Int64
	closed atomic.Bool
}

func (c *limitedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.slots.Add(-1)
	}
	return c.Conn.Close()
}

// NetConn is the wrapped connection.
func (c *limitedConn) NetConn() net.Conn { return c.Conn }

// probeConn is a probe-lane connection: no deadline anyone sets on it can
// reach past its expiry.
type probeConn struct {
	limitedConn
	expiry time.Time
}

func newProbeConn(c net.Conn, slots *atomic.Int64) *probeConn {
	p := &probeConn{limitedConn: limitedConn{Conn: c, slots: slots}, expiry: time.Now().Add(ProbeLifetime)}
	_ = c.SetDeadline(p.expiry)
	return p
}

func (c *probeConn) clamp(t time.Time) time.Time {
	if t.IsZero() || t.After(c.expiry) {
		return c.expiry
	}
	return t
}

func (c *probeConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.clamp(t)) }
func (c *probeConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.clamp(t)) }
func (c *probeConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.clamp(t)) }

// inProbeLane reports whether c, or a connection it wraps (TLS, counters),
// is a probe-lane connection.
func inProbeLane(c net.Conn) bool {
	for depth := 0; c != nil && depth < 8; depth++ {
		if _, ok := c.(*probeConn); ok {
			return true
		}
		inner, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			return false
		}
		c = inner.NetConn()
	}
	return false
}
