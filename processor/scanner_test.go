package processor

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/format"
)

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
			r := io.NopCloser(io.MultiReader(strings.NewReader("a\nb\nc\n"), strings.NewReader("d\n")))
			sc := &linesScanner{split: format.NewSplitter(r, 1024), r: r, batch: tc.batch}
			var got []string
			for {
				b, err := sc.NextBatch(context.Background())
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
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
