package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// HandshakeTimeout bounds one TLS handshake on the API listener.
const HandshakeTimeout = 10 * time.Second

// TLSListener terminates TLS for an inner listener. Handshakes run
// concurrently, one goroutine per connection, so a stalled client never blocks
// others; Accept returns only connections whose handshake succeeded (as
// *tls.Conn, so net/http negotiates h2 through ALPN). A failed handshake is
// logged at WARN with the peer address and the connection closed.
type TLSListener struct {
	inner  net.Listener
	store  *CertStore
	log    *slog.Logger
	active atomic.Int64

	ready     chan net.Conn
	failed    chan error
	done      chan struct{}
	closeOnce sync.Once
}

// NewTLSListener starts accepting on inner and handshaking with the store's
// current configuration. Close closes inner. A nil logger means slog.Default().
func NewTLSListener(inner net.Listener, store *CertStore, log *slog.Logger) *TLSListener {
	if log == nil {
		log = slog.Default()
	}
	l := &TLSListener{
		inner: inner, store: store, log: log,
		ready:  make(chan net.Conn),
		failed: make(chan error),
		done:   make(chan struct{}),
	}
	go l.acceptLoop()
	return l
}

// Accept returns the next connection that completed its TLS handshake.
func (l *TLSListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ready:
		return c, nil
	case err := <-l.failed:
		return nil, err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting; established connections stay open.
func (l *TLSListener) Close() error {
	err := net.ErrClosed
	l.closeOnce.Do(func() {
		close(l.done)
		err = l.inner.Close()
	})
	return err
}

// Addr is the inner listener's address.
func (l *TLSListener) Addr() net.Addr { return l.inner.Addr() }

// ActiveConnections is the number of open connections that completed a
// handshake (rsigma_tls_active_connections).
func (l *TLSListener) ActiveConnections() int64 { return l.active.Load() }

func (l *TLSListener) acceptLoop() {
	for {
		raw, err := l.inner.Accept()
		if err != nil {
			var ne net.Error
			temporary := errors.As(err, &ne) && ne.Timeout()
			select {
			case l.failed <- err:
			case <-l.done:
				return
			}
			if !temporary {
				return
			}
			continue
		}
		go l.handshake(raw)
	}
}

func (l *TLSListener) handshake(raw net.Conn) {
	counted := &countedConn{Conn: raw, active: &l.active}
	conn := tls.Server(counted, l.store.Config())
	ctx, cancel := context.WithTimeout(context.Background(), HandshakeTimeout)
	err := conn.HandshakeContext(ctx)
	cancel()
	if err != nil {
		l.log.Warn("TLS handshake failed", "peer", raw.RemoteAddr().String(), "error", err.Error())
		_ = conn.Close()
		return
	}
	counted.markEstablished()
	select {
	case l.ready <- conn:
	case <-l.done:
		_ = conn.Close()
	}
}

// countedConn keeps rsigma_tls_active_connections: +1 once the handshake has
// succeeded, -1 on the first Close after that.
type countedConn struct {
	net.Conn
	active      *atomic.Int64
	established atomic.Bool
	closed      atomic.Bool
}

func (c *countedConn) markEstablished() {
	if !c.closed.Load() && c.established.CompareAndSwap(false, true) {
		c.active.Add(1)
	}
}

func (c *countedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) && c.established.Load() {
		c.active.Add(-1)
	}
	return c.Conn.Close()
}

// NetConn is the wrapped connection (the connection limiter's).
func (c *countedConn) NetConn() net.Conn { return c.Conn }
