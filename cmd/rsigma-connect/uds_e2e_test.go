package main

import (
	"context"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// unixHTTPClient sends every request to the socket at path.
func unixHTTPClient(path string) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", path)
		}}}
}

// Scenario 83: the API on a Unix socket. The default plaintext refusal does
// not apply, the socket file is 0600 and goes away at exit, and TLS with a
// unix address is refused at startup.
func TestUnixSocketAPI(t *testing.T) {
	rules := opsRulesDir(t, opsSimpleRule)
	// A short directory: socket paths are limited to 107 bytes.
	dir, err := os.MkdirTemp("", "uds")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "api.sock")

	d := daemontest.Start(t, "engine", "daemon", "-r", rules, "--input", "http", "--api-addr", "unix://"+sock)
	if addr := d.APIAddr(10 * time.Second); addr != "unix://"+sock {
		t.Fatalf("listening on %q", addr)
	}
	fi, err := os.Stat(sock)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != fs.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket file mode %v, want 0600", fi.Mode())
	}
	client := unixHTTPClient(sock)
	get := func(path string) (int, string) {
		resp, err := client.Get("http://rsigma" + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get("/healthz"); status != 200 || body != `{"status":"ok"}` {
		t.Fatalf("/healthz over the socket: %d %s", status, body)
	}
	poll.Wait(t, 15*time.Second, "/readyz 200 over the socket", func() bool { s, _ := get("/readyz"); return s == 200 })
	resp, err := client.Post("http://rsigma/api/v1/events", "application/json", strings.NewReader(`{"CommandLine":"malware.exe"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if lines := d.WaitStdoutLines(1, 15*time.Second); len(lines) != 1 {
		t.Fatalf("an event posted over the socket gave %d detections", len(lines))
	}
	if status, body := get("/metrics"); status != 200 || !strings.Contains(body, "rsigma_events_processed_total 1") {
		t.Fatalf("/metrics over the socket: %d", status)
	}
	opsStop(t, d)
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Fatalf("the socket file outlives the daemon: %v", err)
	}

	t.Run("TLS with a unix address is refused", func(t *testing.T) {
		_, stderr, code := daemontest.Run(t, "", "engine", "daemon", "-r", rules, "--api-addr", "unix://"+sock,
			"--tls-cert", "c.pem", "--tls-key", "k.pem")
		if code != 3 || !strings.Contains(stderr, "TLS does not apply to a Unix socket") {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
	})
	t.Run("a socket another daemon serves is refused", func(t *testing.T) {
		first := daemontest.Start(t, "engine", "daemon", "-r", rules, "--input", "http", "--api-addr", "unix://"+sock)
		first.APIAddr(10 * time.Second)
		_, stderr, code := daemontest.Run(t, "", "engine", "daemon", "-r", rules, "--input", "http", "--api-addr", "unix://"+sock)
		if code != 3 || !strings.Contains(stderr, "address already in use") {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
		if status, _ := get("/healthz"); status != 200 {
			t.Fatal("the first daemon lost its socket")
		}
		opsStop(t, first)
	})
}
