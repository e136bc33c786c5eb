package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/format"
)

// scanBatches reads r through the sigma_lines scanner to the end and returns
// its batches.
func scanBatches(t *testing.T, r io.Reader, max, batch int) []service.MessageBatch {
	t.Helper()
	rc := io.NopCloser(r)
	sc := &linesScanner{split: format.NewSplitter(rc, max), r: rc, batch: batch}
	var out []service.MessageBatch
	for {
		b, err := sc.NextBatch(context.Background())
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
}

func TestLinesScannerBatchesOnlyWhatIsAlreadyRead(t *testing.T) {
	cases := []struct {
		name  string
		batch int
		want  string
	}{
		{"batch_1_one_message_each", 1, "[a] [b] [c] [d]"},
		{"batch_2_caps_the_buffered_lines", 2, "[a b] [c] [d]"},
		{"batch_128_stops_where_the_read_ends", 128, "[a b c] [d]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Each Read of a MultiReader returns one part: two reads.
			r := io.MultiReader(strings.NewReader("a\nb\nc\n"), strings.NewReader("d\n"))
			var got []string
			for _, b := range scanBatches(t, r, 1024, tc.batch) {
				var lines []string
				for _, m := range b {
					raw, _ := m.AsBytes()
					lines = append(lines, string(raw))
				}
				got = append(got, "["+strings.Join(lines, " ")+"]")
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Fatalf("batches %s, want %s", g, tc.want)
			}
		})
	}
}

// Issue 13: a stdin line over max_buffer_size stopped the scanner for good
// ("token too long" logged every second, no later event read). It becomes
// one message marked with its size, and the lines after it are read.
func TestLinesScannerLineOverTheLimitCostsOnlyItself(t *testing.T) {
	long := `{"CommandLine":"` + strings.Repeat("x", 2000) + `"}`
	var got []string
	for _, b := range scanBatches(t, strings.NewReader("{\"n\":1}\n"+long+"\n{\"n\":2}\n"), 1024, 128) {
		for _, m := range b {
			raw, _ := m.AsBytes()
			var tooLong *format.LineTooLongError
			if errors.As(m.GetError(), &tooLong) {
				got = append(got, fmt.Sprintf("marked(%d bytes, head %d)", tooLong.Size, len(raw)))
				continue
			}
			got = append(got, string(raw))
		}
	}
	want := fmt.Sprintf(`{"n":1} marked(%d bytes, head %d) {"n":2}`, len(long), len(long))
	if g := strings.Join(got, " "); g != want {
		t.Fatalf("got %s\nwant %s", g, want)
	}
}
