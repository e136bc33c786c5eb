// Package daemontest runs the real rsigma-connect binary in end-to-end
// tests: it builds the binary once per test process, starts daemons with
// pipes on stdin/stdout/stderr, and finds the API address in their logs.
package daemontest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds ./cmd/rsigma-connect once per test process and returns the
// path of the binary. The build directory lives until the process exits.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rsigma-connect-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "rsigma-connect")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/rsigma-connect")
		cmd.Dir = ModuleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// ModuleRoot is the directory holding go.mod.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Daemon is one running `rsigma-connect` process.
type Daemon struct {
	t      testing.TB
	Cmd    *exec.Cmd
	Stdin  io.WriteCloser
	stdout *lockedBuffer
	stderr *lockedBuffer
	done   chan struct{}
	err    error
}

// Start runs the binary with args (e.g. "engine", "daemon", "-r", dir).
// The process is killed when the test ends if it is still running.
func Start(t testing.TB, args ...string) *Daemon {
	t.Helper()
	return start(t, exec.Command(Binary(t), args...), args)
}

// StartWithStdout is Start with the process's stdout on the given file
// (the write end of an os.Pipe, to close its read end under the daemon);
// Stdout then reports nothing.
func StartWithStdout(t testing.TB, stdout *os.File, args ...string) *Daemon {
	t.Helper()
	cmd := exec.Command(Binary(t), args...)
	cmd.Stdout = stdout
	return start(t, cmd, args)
}

// StartWithFileLimit is Start with the process's descriptor limit (soft and
// hard, as `ulimit -n` sets it) at nofile from its first instruction.
func StartWithFileLimit(t testing.TB, nofile int, args ...string) *Daemon {
	t.Helper()
	script := fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, nofile)
	return start(t, exec.Command("/bin/sh", append([]string{"-c", script, Binary(t)}, args...)...), args)
}

// start runs cmd; its stdout, unless already set, goes to Stdout.
func start(t testing.TB, cmd *exec.Cmd, args []string) *Daemon {
	t.Helper()
	d := &Daemon{t: t, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, done: make(chan struct{})}
	d.Cmd = cmd
	if d.Cmd.Stdout == nil {
		d.Cmd.Stdout = d.stdout
	}
	d.Cmd.Stderr = d.stderr
	// Once the process has exited (or was killed), a child of it still
	// holding stdout or stderr must not keep Wait, and so the test, waiting.
	d.Cmd.WaitDelay = 10 * time.Second
	stdin, err := d.Cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	d.Stdin = stdin
	if err := d.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.err = d.Cmd.Wait(); close(d.done) }()
	t.Cleanup(func() {
		select {
		case <-d.done:
		default:
			_ = d.Cmd.Process.Kill()
			<-d.done
		}
		if t.Failed() {
			t.Logf("stderr of %v:\n%s", args, d.Stderr())
		}
	})
	return d
}

// Run runs the binary to completion with stdin and returns stdout, stderr
// and the exit code.
func Run(t testing.TB, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	d := Start(t, args...)
	if _, err := io.WriteString(d.Stdin, stdin); err != nil && !strings.Contains(err.Error(), "broken pipe") {
		t.Fatal(err)
	}
	_ = d.Stdin.Close()
	code = d.Wait(60 * time.Second)
	return d.Stdout(), d.Stderr(), code
}

// Stdout is everything the process wrote to stdout so far.
func (d *Daemon) Stdout() string { return d.stdout.String() }

// Stderr is everything the process wrote to stderr so far.
func (d *Daemon) Stderr() string { return d.stderr.String() }

// Signal sends sig to the process.
func (d *Daemon) Signal(sig syscall.Signal) {
	if err := d.Cmd.Process.Signal(sig); err != nil {
		d.t.Fatalf("signal %v: %v", sig, err)
	}
}

// Wait waits up to timeout for the process to exit and returns its exit
// code; the test fails if it does not exit in time.
func (d *Daemon) Wait(timeout time.Duration) int {
	d.t.Helper()
	select {
	case <-d.done:
	case <-time.After(timeout):
		_ = d.Cmd.Process.Kill()
		<-d.done
		d.t.Fatalf("process did not exit within %v; stderr:\n%s", timeout, d.Stderr())
	}
	return d.Cmd.ProcessState.ExitCode()
}

// APIAddr waits for the `API server listening` log line and returns its
// addr field (the real bound address, also with port 0).
func (d *Daemon) APIAddr(timeout time.Duration) string {
	d.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(d.Stderr()))
		for sc.Scan() {
			var line struct {
				Fields map[string]any `json:"fields"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Fields["message"] == "API server listening" {
				if addr, ok := line.Fields["addr"].(string); ok {
					return addr
				}
			}
		}
		select {
		case <-d.done:
			d.t.Fatalf("process exited before listening; stderr:\n%s", d.Stderr())
		case <-time.After(20 * time.Millisecond):
		}
	}
	d.t.Fatalf("no 'API server listening' line within %v; stderr:\n%s", timeout, d.Stderr())
	return ""
}

// WaitStdoutLines waits until stdout holds at least n lines and returns them.
func (d *Daemon) WaitStdoutLines(n int, timeout time.Duration) []string {
	d.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		lines := Lines(d.Stdout())
		if len(lines) >= n || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Get performs a GET on the daemon's API and returns status and body.
func Get(t testing.TB, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Lines splits s into its non-empty lines.
func Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
