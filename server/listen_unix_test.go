package server

import (
	"context"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// unixClient is an HTTP client whose every request goes to the socket.
func unixClient(path string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", path)
	}}}
}

func TestListenUnix(t *testing.T) {
	old := syscall.Umask(0) // the socket's mode must not depend on the umask
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "api.sock")
	ln, err := Listen("unix://" + path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != fs.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket file mode %v, want a socket with 0600", fi.Mode())
	}
	if got := ln.Addr().String(); got != "unix://"+path {
		t.Fatalf("Addr %q", got)
	}
	mux := NewMux()
	HandleHealth(mux, func() bool { return true })
	srv := New(ln, mux, Options{})
	go func() { _ = srv.Serve() }()
	resp, err := unixClient(path).Get("http://api/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"status":"ok"}` {
		t.Fatalf("GET /healthz over the socket: %d %s", resp.StatusCode, body)
	}

	if _, err := Listen("unix://" + path); err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("binding a served socket again: %v, want address already in use", err)
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Fatalf("the socket file outlives the listener: %v", err)
	}
}

func TestListenUnixReplacesAStaleSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api.sock")
	// A socket file no process serves, as a killed daemon leaves it.
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	if _, err := os.Lstat(path); err != nil {
		t.Fatal(err)
	}
	ln, err := Listen("unix://" + path)
	if err != nil {
		t.Fatalf("a stale socket must be replaced: %v", err)
	}
	ln.Close()
}

func TestListenUnixKeepsAFileThatIsNoSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api.sock")
	if err := os.WriteFile(path, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen("unix://" + path); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Fatalf("Listen over a regular file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "data" {
		t.Fatal("the regular file was touched")
	}
}

func TestShutdownBeforeServeRemovesTheSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api.sock")
	ln, err := Listen("unix://" + path)
	if err != nil {
		t.Fatal(err)
	}
	if err := New(ln, NewMux(), Options{}).Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Fatalf("the socket file outlives a server that never served: %v", err)
	}
}
