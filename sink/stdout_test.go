package sink

import (
	"context"
	"errors"
	"os"
	"strings"
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
	o := NewStdoutOutput(&countingWriter{err: os.ErrClosed})
	err := o.WriteBatch(context.Background(), batchOf("x"))
	if !errors.Is(err, os.ErrClosed) || !strings.Contains(err.Error(), "stdout sink") {
		t.Fatalf("err = %v, want the write error, named", err)
	}
}
