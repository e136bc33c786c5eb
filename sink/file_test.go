package sink

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
)

func batchOf(lines ...string) service.MessageBatch {
	var b service.MessageBatch
	for _, l := range lines {
		b = append(b, service.NewMessage([]byte(l)))
	}
	return b
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFileOutput(t *testing.T) {
	ctx := context.Background()
	t.Run("appends one line per message to an existing file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "out.ndjson")
		if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		o := NewFileOutput(p)
		defer o.Close(ctx)
		if err := o.WriteBatch(ctx, batchOf(`{"a":1}`, `{"a":2}`)); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, p); got != "old\n{\"a\":1}\n{\"a\":2}\n" {
			t.Fatalf("file = %q", got)
		}
	})
	t.Run("reopens after the file was rotated away", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "out.ndjson")
		o := NewFileOutput(p)
		defer o.Close(ctx)
		if err := o.WriteBatch(ctx, batchOf("1")); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(p, p+".1"); err != nil {
			t.Fatal(err)
		}
		if err := o.WriteBatch(ctx, batchOf("2")); err != nil {
			t.Fatal(err)
		}
		if readFile(t, p) != "2\n" || readFile(t, p+".1") != "1\n" {
			t.Fatalf("new %q rotated %q", readFile(t, p), readFile(t, p+".1"))
		}
	})
	t.Run("fails once the path cannot be written any more", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "out.ndjson")
		o := NewFileOutput(p)
		defer o.Close(ctx)
		if err := o.WriteBatch(ctx, batchOf("1")); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		err := o.WriteBatch(ctx, batchOf("2"))
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Fatalf("want an error naming %s, got %v", p, err)
		}
	})
	t.Run("a write that fails part way leaves no partial line", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "out.ndjson")
		if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		o := NewFileOutput(p)
		defer o.Close(ctx)
		// The file may grow to 14 bytes: the batch's 16 are written up to
		// there, then write(2) fails with EFBIG, as it fails with ENOSPC on a
		// full disk (the whole-binary test on a full filesystem is in
		// cmd/rsigma-connect/ops_full_disk_e2e_test.go).
		limitFileSize(t, 14)
		err := o.WriteBatch(ctx, batchOf(`{"a":1}`, `{"a":2}`))
		if !errors.Is(err, syscall.EFBIG) || !strings.Contains(err.Error(), p) {
			t.Fatalf("want EFBIG naming %s, got %v", p, err)
		}
		if got := readFile(t, p); got != "old\n" {
			t.Fatalf("file after the failed write = %q, want the lines before it only", got)
		}
		unlimitFileSize(t)
		if err := o.WriteBatch(ctx, batchOf(`{"a":1}`, `{"a":2}`)); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, p); got != "old\n{\"a\":1}\n{\"a\":2}\n" {
			t.Fatalf("file after the retry = %q", got)
		}
	})
}

// limitFileSize sets this process's soft RLIMIT_FSIZE (the Go runtime ignores
// SIGXFSZ, so an oversized write fails with EFBIG) until the test ends. The
// limit holds for the whole process: no test of this package runs in
// parallel.
func limitFileSize(t *testing.T, max uint64) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
			t.Errorf("restoring RLIMIT_FSIZE: %v", err)
		}
	})
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: max, Max: old.Max}); err != nil {
		t.Fatal(err)
	}
}

// unlimitFileSize lifts the soft RLIMIT_FSIZE to the hard limit.
func unlimitFileSize(t *testing.T) {
	t.Helper()
	var cur syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &cur); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: cur.Max, Max: cur.Max}); err != nil {
		t.Fatal(err)
	}
}
