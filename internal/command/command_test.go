package command

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runWithin runs argv under timeout and fails the test when Run has not
// returned within limit (a generous bound for a loaded machine).
func runWithin(t *testing.T, timeout, limit time.Duration, argv ...string) (Output, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	type result struct {
		out Output
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := Run(ctx, argv, nil, Limits{Stdout: 1 << 20, Stderr: 4096})
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		return r.out, r.err
	case <-time.After(limit):
		t.Fatalf("Run(%q) with a %s timeout has not returned after %s", argv, timeout, limit)
		return Output{}, nil
	}
}

// readPID reads the pid a test command wrote to file.
func readPID(t *testing.T, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("pid file %s: %v", file, err)
	}
	return pid
}

// alive reports whether pid runs (a zombie waiting for its reaper is dead).
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}

// waitGone waits until pid no longer runs.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still runs 10s after Run returned", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRun(t *testing.T) {
	t.Run("a background child holding stdout fails the run at the deadline and is killed", func(t *testing.T) {
		pidFile := filepath.Join(t.TempDir(), "pid")
		out, err := runWithin(t, 300*time.Millisecond, 20*time.Second,
			"sh", "-c", `sleep 30 & echo $! > "$0"; echo '{"x":1}'`, pidFile)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a deadline error (output %q)", err, out.Stdout)
		}
		waitGone(t, readPID(t, pidFile))
	})
	t.Run("a command running past the deadline is killed with its children", func(t *testing.T) {
		pidFile := filepath.Join(t.TempDir(), "pid")
		_, err := runWithin(t, 300*time.Millisecond, 20*time.Second,
			"sh", "-c", `sleep 30 > /dev/null & echo $! > "$0"; sleep 30`, pidFile)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a deadline error", err)
		}
		waitGone(t, readPID(t, pidFile))
	})
	t.Run("a child that left the process group stops being read at the deadline", func(t *testing.T) {
		if _, err := exec.LookPath("setsid"); err != nil {
			t.Skip("setsid not installed")
		}
		pidFile := filepath.Join(t.TempDir(), "pid")
		_, err := runWithin(t, 300*time.Millisecond, 20*time.Second,
			"sh", "-c", `setsid sleep 30 & echo $! > "$0"; echo '{}'`, pidFile)
		pid := readPID(t, pidFile)
		t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a deadline error", err)
		}
	})
	t.Run("output within the deadline succeeds while a detached child runs on", func(t *testing.T) {
		out, err := runWithin(t, 10*time.Second, 20*time.Second,
			"sh", "-c", `sleep 1 > /dev/null 2>&1 & echo '{"x":1}'`)
		if err != nil || string(out.Stdout) != "{\"x\":1}\n" {
			t.Fatalf("out %q, err %v", out.Stdout, err)
		}
	})
	t.Run("stdout beyond the limit is an overflow, stderr is kept", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := Run(ctx, []string{"sh", "-c", "echo 123456789; echo oops >&2; exit 3"}, nil, Limits{Stdout: 4, Stderr: 100})
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 3 {
			t.Fatalf("err = %v, want exit status 3", err)
		}
		if !out.Overflow || string(out.Stdout) != "1234" || string(out.Stderr) != "oops\n" {
			t.Fatalf("out = %+v", out)
		}
	})
	t.Run("env replaces the environment", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := Run(ctx, []string{"sh", "-c", "echo $RSIGMA_TEST_X"}, []string{"RSIGMA_TEST_X=y"}, Limits{Stdout: 100})
		if err != nil || string(out.Stdout) != "y\n" {
			t.Fatalf("out %q, err %v", out.Stdout, err)
		}
	})
	t.Run("a missing program fails to start", func(t *testing.T) {
		_, err := Run(context.Background(), []string{"/definitely/missing"}, nil, Limits{})
		if err == nil || !strings.Contains(err.Error(), "/definitely/missing") {
			t.Fatalf("err = %v", err)
		}
	})
}
