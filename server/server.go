package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts of the API server (README, operations). They bound what a slow
// or silent client can hold: a connection's goroutine, descriptor and
// buffers.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers.
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included; ingest bodies
	// (at most 2 MiB) must arrive at about 100 KiB/s or better.
	Read time.Duration
	// Write bounds writing a response, from its first byte: a handler may
	// wait for queue space first as long as its client waits.
	Write time.Duration
	// Idle bounds a kept-alive connection between requests (HTTP/1.1 and
	// HTTP/2).
	Idle time.Duration
}

// DefaultTimeouts are the daemon's timeouts.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 10 * time.Second, Read: 20 * time.Second, Write: 60 * time.Second, Idle: 60 * time.Second}
}

// Options configure New.
type Options struct {
	// Log receives the HTTP server's own errors (failed accepts, bad
	// handshakes, handler panics) as WARN lines; nil: slog.Default().
	Log *slog.Logger
	// Timeouts; the zero value means DefaultTimeouts().
	Timeouts Timeouts
	// Connections is the connection limiter under the listener, if any: its
	// probe-lane connections are only answered /healthz, /readyz and /metrics.
	Connections *ConnLimiter
}

// Server is the API listener: an http.Server over a listener the caller
// binds (plain, or wrapped for TLS).
type Server struct {
	ln  net.Listener
	srv *http.Server
}

// New returns a server of h on ln.
func New(ln net.Listener, h http.Handler, o Options) *Server {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Timeouts == (Timeouts{}) {
		o.Timeouts = DefaultTimeouts()
	}
	// HTTP/2 over TLS (ALPN h2) and in plaintext with prior knowledge (h2c),
	// which OTLP/gRPC clients use (http-api.md §1).
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{
		Handler:           responseDeadline(probeLane(h, o.Connections), o.Timeouts.Write),
		Protocols:         &protocols,
		ReadHeaderTimeout: o.Timeouts.ReadHeader,
		ReadTimeout:       o.Timeouts.Read,
		IdleTimeout:       o.Timeouts.Idle,
		ErrorLog:          slog.NewLogLogger(o.Log.Handler(), slog.LevelWarn),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if inProbeLane(c) {
				return context.WithValue(ctx, probeLaneKey{}, true)
			}
			return ctx
		},
	}
	return &Server{ln: ln, srv: srv}
}

// probeLaneKey marks the context of requests on probe-lane connections.
type probeLaneKey struct{}

// probeLane answers requests on probe-lane connections (ConnLimiter):
// /healthz, /readyz and /metrics as usual, anything else 503 with
// Retry-After; either way the connection is closed after the response.
func probeLane(next http.Handler, limiter *ConnLimiter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lane, _ := r.Context().Value(probeLaneKey{}).(bool); lane {
			w.Header().Set("Connection", "close")
			switch r.URL.Path {
			case "/healthz", "/readyz", "/metrics":
			default:
				if limiter != nil {
					limiter.rejected.WithLabelValues(RejectProbeLane).Inc()
				}
				refuseInLane(w)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// laneRefusal is the answer to anything but a probe in the probe lane.
const laneRefusal = `{"error":"too many connections, retry later"}`

// refuseInLane answers 503 and closes the connection at once. Over
// HTTP/1.1 it takes the connection over to do so: net/http would otherwise
// keep it 500 ms longer when the request's body is unread (to let the
// client see the answer), and a lane of 16 would let through only 32
// refusals a second while probes wait.
func refuseInLane(w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil { // HTTP/2: the stream is answered, the connection goes away after it
		w.Header().Set("Retry-After", RetryAfterSeconds)
		writeJSON(w, http.StatusServiceUnavailable, laneRefusal)
		return
	}
	defer conn.Close()
	_, _ = fmt.Fprintf(buf, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"+
		"Retry-After: %s\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", RetryAfterSeconds, len(laneRefusal), laneRefusal)
	_ = buf.Flush()
}

// Addr is the bound address (useful with port 0).
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// HTTP returns the underlying http.Server (to configure HTTP/2 or TLS).
func (s *Server) HTTP() *http.Server { return s.srv }

// Serve serves until Shutdown; it returns nil after a shutdown.
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting and waits for in-flight requests until ctx ends.
// It closes the listener also when Serve never ran, so that a Unix socket
// file goes with it.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	_ = s.ln.Close() // already closed when Serve ran
	return err
}
