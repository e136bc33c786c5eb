package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Server is the API listener: an http.Server over a listener the caller
// binds (plain, or wrapped for TLS).
type Server struct {
	ln  net.Listener
	srv *http.Server
}

// Listen binds addr (a literal IP:port; port 0 picks one).
func Listen(addr string) (net.Listener, error) {
	return net.Listen("tcp", addr)
}

// New returns a server of h on ln.
func New(ln net.Listener, h http.Handler) *Server {
	// HTTP/2 over TLS (ALPN h2) and in plaintext with prior knowledge (h2c),
	// which OTLP/gRPC clients use (http-api.md §1).
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	protocols.SetUnencryptedHTTP2(true)
	return &Server{ln: ln, srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, Protocols: &protocols}}
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
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }
