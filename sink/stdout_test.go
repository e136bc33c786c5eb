package sink

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
)

// countingWriter records each Write call.
type countingWriter struct {
	writes []string
	err    error
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func TestStdoutOutputWritesABatchInOneWrite(t *testing.T) {
	w := &countingWriter{}
	o := NewStdoutOutput(w)
	ctx := context.Background()
	if err := o.WriteBatch(ctx, batchOf(`{"a":1}`, `{"a":2}`)); err != nil {
		t.Fatal(err)
	}
	if err := o.WriteBatch(ctx, batchOf("3")); err != nil {
		t.Fatal(err)
	}
	want := []string{"{\"a\":1}\n{\"a\":2}\n", "3\n"}
	if strings.Join(w.writes, "|") != strings.Join(want, "|") {
		t.Fatalf("writes %q, want %q", w.writes, want)
	}
}

func TestStdoutOutputFailsTheBatchWhenTheWriteFails(t *testing.T) {
	o := NewStdoutOutput(&countingWriter{err: syscall.ENOSPC})
	err := o.WriteBatch(context.Background(), batchOf("x"))
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "stdout sink") {
		t.Fatalf("err = %v, want the write error, named", err)
	}
	w := &countingWriter{}
	o.w = w
	if err := o.WriteBatch(context.Background(), batchOf("y")); err != nil || len(w.writes) != 1 {
		t.Fatalf("after a failed write: %v, writes %q", err, w.writes)
	}
}

// Issue 13, item 6: a closed stdout (its reader went away) is reported once
// and not written again; without a closed_resource the batches fail.
func TestStdoutOutputClosedIsReportedOnce(t *testing.T) {
	for _, closedErr := range []error{syscall.EPIPE, syscall.EBADF, os.ErrClosed} {
		w := &countingWriter{err: &os.PathError{Op: "write", Path: "/dev/stdout", Err: closedErr}}
		o := NewStdoutOutput(w)
		closedCalls := 0
		o.onClosed = func() { closedCalls++ }
		for i := 0; i < 3; i++ {
			if err := o.WriteBatch(context.Background(), batchOf("x")); !errors.Is(err, ErrStdoutClosed) {
				t.Fatalf("%v: batch %d: err = %v, want ErrStdoutClosed", closedErr, i, err)
			}
			w.err = nil // a later write would succeed: it must not be tried
		}
		if closedCalls != 1 || len(w.writes) != 0 {
			t.Fatalf("%v: onClosed called %d times, %d writes after the close", closedErr, closedCalls, len(w.writes))
		}
	}
}
