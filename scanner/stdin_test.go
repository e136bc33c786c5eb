package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// readBatch is one batch read from a sigma_stdin input, with the texts its
// messages held when read.
type readBatch struct {
	msgs  service.MessageBatch
	texts []string
	ack   service.AckFunc
}

func read(t *testing.T, in service.BatchInput) (readBatch, bool) {
	t.Helper()
	b, ack, err := in.ReadBatch(context.Background())
	if errors.Is(err, service.ErrEndOfInput) {
		return readBatch{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	rb := readBatch{msgs: b, ack: ack}
	for _, m := range b {
		raw, err := m.AsBytes()
		if err != nil {
			t.Fatal(err)
		}
		rb.texts = append(rb.texts, string(raw))
	}
	return rb, true
}

// unchanged fails when a message of b no longer holds the text it was read
// with: its memory was reused while the batch was in flight.
func (b readBatch) unchanged(t *testing.T, when string) {
	t.Helper()
	for i, m := range b.msgs {
		raw, _ := m.AsBytes()
		if string(raw) != b.texts[i] {
			t.Fatalf("%s: a message of an unacknowledged batch changed from %.40q to %.40q: its block was reused too early",
				when, b.texts[i], raw)
		}
	}
}

// eventLines is n distinct JSON events of about 200 bytes, every seventh
// one pretty-printed over three lines and every 29th preceded by a joined
// value that breaks (its lines are split again from the splitter's queue),
// and in the middle a broken value of 3,000 lines, so that lines stay held
// in the splitter across batches and blocks.
func eventLines(n int) (string, []string) {
	var in strings.Builder
	var want []string
	for i := range n {
		if i == n/2 { // a broken value of 3,000 lines (~590 KB), split again
			in.WriteString("{\"big\":[\n")
			want = append(want, `{"big":[`)
			for k := range 3000 {
				line := fmt.Sprintf("%q,", fmt.Sprint(k)+strings.Repeat("z", 190))
				in.WriteString(line + "\n")
				want = append(want, line)
			}
		}
		pad := strings.Repeat(string(rune('a'+i%26)), 150+i%50)
		if i%29 == 0 { // ended by the whole object on the next line
			fmt.Fprintf(&in, "{\"broken\":%d,\n\"x\":\n", i)
			want = append(want, fmt.Sprintf("{\"broken\":%d,", i), `"x":`)
		}
		switch {
		case i%7 == 0 && i%29 != 0:
			fmt.Fprintf(&in, "{\n\"n\":%d,\"pad\":%q\n}\n", i, pad)
			want = append(want, fmt.Sprintf("{\n\"n\":%d,\"pad\":%q\n}", i, pad))
		default:
			line := fmt.Sprintf("{\"n\":%d,\"pad\":%q}", i, pad)
			in.WriteString(line + "\n")
			want = append(want, line)
		}
	}
	return in.String(), want
}

// The sigma_stdin input copies lines into blocks it reuses once their
// batches are acknowledged. A block must not be reused while any batch that
// may hold one of its lines is in flight, whatever the order of the
// acknowledgements and however long the splitter holds lines back. Every
// message keeps its text until its batch is acknowledged, every line comes
// out once and in order, and blocks are reused (a few blocks for MBs).
func TestStdinReusesLineMemoryOnlyAfterItsBatchesAreAcknowledged(t *testing.T) {
	text, want := eventLines(5_000)
	// Reads of random small sizes, so that batches are of every size.
	input := func(seed uint64) *stdinInput {
		rng := rand.New(rand.NewPCG(seed, 7))
		return newStdinInput(io.NopCloser(&choppyReader{s: text, rng: rng}), 1<<20, 128, nil)
	}
	// drain reads in to the end; hold decides which batches stay
	// unacknowledged, release which held one (if any) is acknowledged next.
	drain := func(t *testing.T, in *stdinInput, hold func(n int) bool, release func(held int) int) {
		t.Helper()
		var got []string
		var held []readBatch
		for n := 0; ; n++ {
			b, ok := read(t, in)
			if !ok {
				break
			}
			got = append(got, b.texts...)
			if hold(n) {
				held = append(held, b)
			} else {
				_ = b.ack(context.Background(), nil)
			}
			if k := release(len(held)); k >= 0 {
				held[k].unchanged(t, fmt.Sprintf("before its acknowledgement (batch %d)", n))
				_ = held[k].ack(context.Background(), nil)
				held = append(held[:k], held[k+1:]...)
			}
		}
		for _, h := range held {
			h.unchanged(t, "at the end")
		}
		if len(got) != len(want) {
			t.Fatalf("%d messages, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("message %d = %.60q, want %.60q", i, got[i], want[i])
			}
		}
	}
	never := func(int) int { return -1 }

	t.Run("acked_at_once_reuses_blocks", func(t *testing.T) {
		in := input(1)
		drain(t, in, func(int) bool { return false }, never)
		if in.blocks.made > 5 {
			t.Fatalf("%d blocks made for %d KB of lines acknowledged at once, want them reused (at most 5)",
				in.blocks.made, len(text)>>10)
		}
	})
	t.Run("each_batch_held_alone_to_the_end", func(t *testing.T) {
		for k := 0; ; k++ {
			in := input(uint64(k))
			drain(t, in, func(n int) bool { return n == k }, never)
			if k >= int(in.blocks.read) {
				break
			}
		}
	})
	t.Run("acked_out_of_order", func(t *testing.T) {
		for seed := range uint64(20) {
			rng := rand.New(rand.NewPCG(seed, 11))
			drain(t, input(seed), func(int) bool { return rng.Float64() < 0.3 }, func(held int) int {
				if held == 0 || rng.Float64() < 0.7 {
					return -1
				}
				return rng.IntN(held)
			})
		}
	})
}

// A nacked batch is replayed by the framework with the same messages: its
// lines' memory stays reserved until the replay is acknowledged, while
// later batches are read and acknowledged.
func TestStdinKeepsANackedBatchForItsReplay(t *testing.T) {
	text, _ := eventLines(20_000)
	in := service.AutoRetryNacksBatched(newStdinInput(io.NopCloser(strings.NewReader(text)), 1<<20, 128, nil))
	ctx := context.Background()
	if err := in.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	first, ok := read(t, in)
	if !ok {
		t.Fatal("no batch")
	}
	_ = first.ack(ctx, errors.New("output failed"))
	var replay readBatch
	for {
		b, ok := read(t, in)
		if !ok {
			t.Fatal("the nacked batch was never replayed")
		}
		if len(b.texts) > 0 && b.texts[0] == first.texts[0] {
			replay = b
			break
		}
		_ = b.ack(ctx, nil)
	}
	for i, s := range first.texts {
		raw, _ := replay.msgs[i].AsBytes()
		if string(raw) != s {
			t.Fatalf("replayed message %d = %.40q, want %.40q: its block was reused after the nack", i, raw, s)
		}
	}
	_ = replay.ack(ctx, nil)
}

// choppyReader returns s in reads of random small sizes.
type choppyReader struct {
	s   string
	rng *rand.Rand
}

func (r *choppyReader) Read(p []byte) (int, error) {
	if len(r.s) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(r.s), 1+r.rng.IntN(8<<10))
	copy(p, r.s[:n])
	r.s = r.s[n:]
	return n, nil
}
