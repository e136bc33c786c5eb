package server

import (
	"net"
	"slices"
	"sync"
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
	RejectEvicted   = "evicted"    // the oldest probe-lane connection, closed for a newer one
	RejectProbeLane = "probe_lane" // a probe-lane connection asked something else: 503
)

// ConnLimiter is a listener that serves at most max connections at once,
// so that many (slow, idle or hostile) clients cannot exhaust descriptors
// or goroutines, while liveness and readiness probes are still answered:
//
//   - up to max connections are served normally;
//   - beyond that, connections enter a probe lane of ProbeConnections: they
//     live at most ProbeLifetime and may only ask /healthz, /readyz or
//     /metrics (Server answers anything else 503 with Retry-After and
//     closes them at once);
//   - when the lane is full, its oldest connection is closed to make room.
//     A probe sends its request as soon as it connects and is done within
//     milliseconds, so the oldest is a client that is slow to ask, and a
//     probe is only refused when more than ProbeConnections connections
//     arrive while it is being answered.
//
// It sits below TLS, so handshakes count too. Safe for concurrent use.
type ConnLimiter struct {
	net.Listener
	max      int64
	open     atomic.Int64
	mu       sync.Mutex
	lane     []*probeConn // oldest first
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
		Help: "API connections refused over the connection limit: the oldest probe-lane connection closed for a newer one (evicted), or a probe-lane connection answered 503 (probe_lane).",
	}, []string{"reason"})
	l.gauge = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "rsigma_api_connections",
		Help: "Open API connections, the probe lane included.",
	}, func() float64 { return float64(l.connections()) })
	return l
}

// Max is the number of connections served normally.
func (l *ConnLimiter) Max() int { return int(l.max) }

// Collectors lists the limiter's metric families for registration.
func (l *ConnLimiter) Collectors() []prometheus.Collector {
	return []prometheus.Collector{l.rejected, l.gauge}
}

// connections is the number of open connections, the lane included.
func (l *ConnLimiter) connections() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open.Load() + int64(len(l.lane))
}

// Accept returns the next connection, within the limit or in the probe lane.
func (l *ConnLimiter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if l.open.Add(1) <= l.max {
		return &limitedConn{Conn: c, release: func() { l.open.Add(-1) }}, nil
	}
	l.open.Add(-1)
	p := &probeConn{expiry: time.Now().Add(ProbeLifetime)}
	p.limitedConn = limitedConn{Conn: c, release: func() { l.leaveLane(p) }}
	_ = c.SetDeadline(p.expiry)
	var evicted *probeConn
	l.mu.Lock()
	if len(l.lane) >= ProbeConnections {
		evicted = l.lane[0]
	}
	l.lane = append(l.lane, p)
	l.mu.Unlock()
	if evicted != nil {
		l.rejected.WithLabelValues(RejectEvicted).Inc()
		_ = evicted.Close()
	}
	return p, nil
}

func (l *ConnLimiter) leaveLane(p *probeConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := slices.Index(l.lane, p); i >= 0 {
		l.lane = slices.Delete(l.lane, i, i+1)
	}
}

// limitedConn gives its place back on its first Close.
type limitedConn struct {
	net.Conn
	release func()
	closed  atomic.Bool
}

func (c *limitedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.release()
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
