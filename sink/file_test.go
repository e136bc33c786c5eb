package sink

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
}
