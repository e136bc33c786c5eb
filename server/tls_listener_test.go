package server

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rsigma-connect/rsigma-connect/internal/certtest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// tlsFixture is an http.Server behind a TLSListener on 127.0.0.1:0.
type tlsFixture struct {
	ca       *certtest.CA
	dir      string
	opts     TLSOptions
	store    *CertStore
	listener *TLSListener
	addr     string
}

func startTLSServer(t *testing.T, opts TLSOptions, ca *certtest.CA, dir string) *tlsFixture {
	t.Helper()
	store, err := NewCertStore(opts, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := NewTLSListener(inner, store, slog.New(slog.DiscardHandler))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return &tlsFixture{ca: ca, dir: dir, opts: opts, store: store, listener: ln, addr: inner.Addr().String()}
}

// newServerFiles writes a leaf issued by ca as cert.pem/key.pem in dir.
func newServerFiles(t *testing.T, ca *certtest.CA, dir, commonName string) TLSOptions {
	t.Helper()
	leaf := ca.Issue(t, certtest.Leaf{CommonName: commonName, KeyKind: "ec"})
	return TLSOptions{
		CertFile: certtest.WriteFile(t, dir, "cert.pem", leaf.CertPEM),
		KeyFile:  certtest.WriteFile(t, dir, "key.pem", leaf.KeyPEM(t, "pkcs8")),
	}
}

func (f *tlsFixture) clientConfig(t *testing.T) *tls.Config {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(f.ca.PEM)
	return &tls.Config{RootCAs: pool, ServerName: "localhost"}
}

// get sends one HTTP/1.1 request over conn and returns the body.
func get(t *testing.T, conn net.Conn) string {
	t.Helper()
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
		t.Fatalf("write request: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func TestMutualTLS(t *testing.T) {
	ca := certtest.NewCA(t, "server-ca")
	clientCA := certtest.NewCA(t, "client-ca")
	strangerCA := certtest.NewCA(t, "stranger-ca")
	dir := t.TempDir()
	opts := newServerFiles(t, ca, dir, "srv")
	opts.ClientCAFile = certtest.WriteFile(t, dir, "client-ca.PEM", clientCA.PEM)
	f := startTLSServer(t, opts, ca, dir)

	clientCert := func(issuer *certtest.CA) []tls.Certificate {
		leaf := issuer.Issue(t, certtest.Leaf{CommonName: "agent", KeyKind: "ec", Client: true})
		pair, err := tls.X509KeyPair(leaf.CertPEM, leaf.KeyPEM(t, "pkcs8"))
		if err != nil {
			t.Fatal(err)
		}
		return []tls.Certificate{pair}
	}
	cases := []struct {
		name  string
		certs []tls.Certificate
		admit bool
	}{
		{"client_signed_by_the_client_ca_is_admitted", clientCert(clientCA), true},
		{"client_without_certificate_is_refused", nil, false},
		{"client_signed_by_another_ca_is_refused", clientCert(strangerCA), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := f.clientConfig(t)
			cfg.Certificates = tc.certs
			cfg.NextProtos = []string{"http/1.1"}
			conn, err := tls.Dial("tcp", f.addr, cfg)
			if err == nil {
				defer conn.Close()
				// In TLS 1.3 the server's verdict on the client certificate
				// arrives after the client's handshake; the first read sees it.
				if _, werr := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"); werr == nil {
					_, err = http.ReadResponse(bufio.NewReader(conn), nil)
				}
			}
			if tc.admit && err != nil {
				t.Fatalf("CA-signed client refused: %v", err)
			}
			if !tc.admit && err == nil {
				t.Fatal("client got an HTTP response without a valid certificate")
			}
		})
	}
}

func TestReloadSwitchesCertificateAndKeepsLiveConnections(t *testing.T) {
	ca := certtest.NewCA(t, "ca")
	dir := t.TempDir()
	f := startTLSServer(t, newServerFiles(t, ca, dir, "before"), ca, dir)

	cfg := f.clientConfig(t)
	cfg.NextProtos = []string{"http/1.1"}
	old, err := tls.Dial("tcp", f.addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if got := get(t, old); got != "HTTP/1.1" {
		t.Fatalf("first request body = %q", got)
	}

	newServerFiles(t, ca, dir, "after")
	if err := f.store.Reload(); err != nil {
		t.Fatal(err)
	}
	fresh, err := tls.Dial("tcp", f.addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if cn := fresh.ConnectionState().PeerCertificates[0].Subject.CommonName; cn != "after" {
		t.Fatalf("new handshake served %q, want the reloaded certificate", cn)
	}
	if got := get(t, old); got != "HTTP/1.1" {
		t.Fatalf("connection opened before the reload answered %q", got)
	}
	if cn := old.ConnectionState().PeerCertificates[0].Subject.CommonName; cn != "before" {
		t.Fatalf("old connection now reports %q", cn)
	}

	certtest.WriteFile(t, dir, "cert.pem", []byte("-----BEGIN CERTIFICATE-----\nZm9v\n-----END CERTIFICATE-----\n"))
	if err := f.store.Reload(); err == nil {
		t.Fatal("reload of a corrupt certificate succeeded")
	}
	third, err := tls.Dial("tcp", f.addr, cfg)
	if err != nil {
		t.Fatalf("HTTPS stopped working after a failed reload: %v", err)
	}
	defer third.Close()
	if cn := third.ConnectionState().PeerCertificates[0].Subject.CommonName; cn != "after" {
		t.Fatalf("after a failed reload the server served %q, want the previous certificate", cn)
	}
}

func TestALPNServesHTTP2AndHTTP11OnOneSocket(t *testing.T) {
	ca := certtest.NewCA(t, "ca")
	dir := t.TempDir()
	f := startTLSServer(t, newServerFiles(t, ca, dir, "srv"), ca, dir)
	cases := []struct {
		name      string
		protocols http.Protocols
		want      string
	}{
		{"h2_client_gets_http2", protocolsOf(false, true), "HTTP/2.0"},
		{"http11_client_gets_http11", protocolsOf(true, false), "HTTP/1.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			protos := tc.protocols
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: f.clientConfig(t), Protocols: &protos}}
			defer client.CloseIdleConnections()
			resp, err := client.Get("https://" + f.addr + "/")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != tc.want || resp.Proto != tc.want {
				t.Fatalf("served %q (response proto %q), want %q", body, resp.Proto, tc.want)
			}
		})
	}
}

func protocolsOf(http1, http2 bool) http.Protocols {
	var p http.Protocols
	p.SetHTTP1(http1)
	p.SetHTTP2(http2)
	return p
}

func TestMinVersion(t *testing.T) {
	ca := certtest.NewCA(t, "ca")
	cases := []struct {
		name      string
		server    uint16
		clientMax uint16
		accept    bool
	}{
		{"default_refuses_tls12_client", 0, tls.VersionTLS12, false},
		{"default_accepts_tls13_client", 0, tls.VersionTLS13, true},
		{"min_12_accepts_tls12_client", tls.VersionTLS12, tls.VersionTLS12, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := newServerFiles(t, ca, dir, "srv")
			opts.MinVersion = tc.server
			f := startTLSServer(t, opts, ca, dir)
			cfg := f.clientConfig(t)
			cfg.MaxVersion = tc.clientMax
			conn, err := tls.Dial("tcp", f.addr, cfg)
			if err == nil {
				conn.Close()
			}
			if tc.accept != (err == nil) {
				t.Fatalf("handshake error = %v, want accepted=%v", err, tc.accept)
			}
		})
	}
}

func TestActiveConnectionsCountsHandshakenConnections(t *testing.T) {
	ca := certtest.NewCA(t, "ca")
	dir := t.TempDir()
	f := startTLSServer(t, newServerFiles(t, ca, dir, "srv"), ca, dir)

	plain, err := net.Dial("tcp", f.addr) // never handshakes
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	cfg := f.clientConfig(t)
	cfg.NextProtos = []string{"http/1.1"}
	var conns []*tls.Conn
	for range 2 {
		c, err := tls.Dial("tcp", f.addr, cfg)
		if err != nil {
			t.Fatal(err)
		}
		get(t, c)
		conns = append(conns, c)
	}
	poll.Wait(t, 10*time.Second, "two active connections", func() bool { return f.listener.ActiveConnections() == 2 })
	for _, c := range conns {
		c.Close()
	}
	poll.Wait(t, 10*time.Second, "no active connections", func() bool { return f.listener.ActiveConnections() == 0 })

	c, err := tls.Dial("tcp", f.addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	poll.Wait(t, 10*time.Second, "one active connection", func() bool { return f.listener.ActiveConnections() == 1 })

	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(TLSCollectors(f.store, f.listener)...)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, fam := range families {
		got[fam.GetName()] = fam.GetMetric()[0].GetGauge().GetValue()
	}
	if got["rsigma_tls_active_connections"] != 1 {
		t.Fatalf("rsigma_tls_active_connections = %v, want 1", got["rsigma_tls_active_connections"])
	}
	if exp := got["rsigma_tls_certificate_expiry_seconds"]; exp < 364*86400 || exp > 365*86400 {
		t.Fatalf("rsigma_tls_certificate_expiry_seconds = %v, want about one year", exp)
	}
}

func TestFailedHandshakeIsLoggedAndDoesNotBlockOthers(t *testing.T) {
	ca := certtest.NewCA(t, "ca")
	dir := t.TempDir()
	store, err := NewCertStore(newServerFiles(t, ca, dir, "srv"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	ln := NewTLSListener(inner, store, slog.New(slog.NewJSONHandler(logs, nil)))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	addr := inner.Addr().String()

	stalled, err := net.Dial("tcp", addr) // connects, never says hello
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	garbage, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(garbage, "GET / HTTP/1.1\r\n\r\n") // plaintext on the TLS port
	peer := garbage.LocalAddr().String()
	f := &tlsFixture{ca: ca}
	good, err := tls.Dial("tcp", addr, f.clientConfig(t))
	if err != nil {
		t.Fatalf("handshake blocked by other clients: %v", err)
	}
	good.Close()
	garbage.Close()
	poll.Wait(t, 10*time.Second, "handshake failure WARN", func() bool {
		out := logs.String()
		return strings.Contains(out, `"level":"WARN"`) && strings.Contains(out, "TLS handshake failed") &&
			strings.Contains(out, peer)
	})
}

// syncBuffer is a bytes.Buffer safe for a logger and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
