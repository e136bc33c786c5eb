package fleet

import (
	"slices"
	"testing"
)

func positions(es []Entry) []uint64 {
	var out []uint64
	for _, e := range es {
		out = append(out, e.Position)
	}
	return out
}

func TestReorder(t *testing.T) {
	r := NewReorder(Checkpoint{})
	for _, e := range []Entry{{1, 5, nil}, {2, 2, nil}, {3, 9, nil}, {4, 0, nil}, {5, 2, nil}, {6, 1, nil}} {
		r.Add(e)
	}
	if got := positions(r.Release(5, 0)); !slices.Equal(got, []uint64{1, 2, 5, 0}) {
		t.Fatalf("released %v, want positions 1 2 5 then the loose batch", got)
	}
	if r.Add(Entry{7, 2, nil}) || r.Add(Entry{6, 11, nil}) {
		t.Fatal("a batch at or below the applied position, or a sequence read before, was taken")
	}
	if applied, resume, unordered := r.Mark(); applied != 5 || resume != 3 || !slices.Equal(unordered, []uint64{4}) {
		t.Fatalf("mark %d %d %v, want applied 5, resume at 3 (position 9 waits), loose 4 applied", applied, resume, unordered)
	}

	// A new owner resumes from that mark and reads the stream again from
	// sequence 3: position 9 is new to it, the loose batch 4 and the
	// positions up to 5 are not.
	applied, resume, unordered := r.Mark()
	next := NewReorder(Checkpoint{Applied: applied, Resume: resume, Unordered: unordered})
	var took []uint64
	for _, e := range []Entry{{3, 9, nil}, {4, 0, nil}, {5, 2, nil}, {6, 1, nil}, {8, 12, nil}} {
		if next.Add(e) {
			took = append(took, e.Sequence)
		}
	}
	if !slices.Equal(took, []uint64{3, 8}) {
		t.Fatalf("the new owner took sequences %v, want 3 and 8", took)
	}
	if got := positions(next.Release(20, 0)); !slices.Equal(got, []uint64{9, 12}) {
		t.Fatalf("released %v", got)
	}
	if _, resume, _ := next.Mark(); resume != 9 {
		t.Fatalf("resume %d after everything applied, want 9", resume)
	}
}

// A message that holds no batch is skipped by its sequence: the reader
// continues after it and the checkpoint resumes past it.
func TestReorderSkip(t *testing.T) {
	r := NewReorder(Checkpoint{})
	r.Add(Entry{2, 4, nil})
	r.Skip(5)
	if r.Next() != 6 || r.Add(Entry{3, 1, nil}) {
		t.Fatalf("after skipping sequence 5: next %d, and a sequence before it was taken", r.Next())
	}
	r.Skip(4) // never backwards
	if got := positions(r.Release(4, 0)); !slices.Equal(got, []uint64{4}) || r.Next() != 6 {
		t.Fatalf("released %v, next %d", got, r.Next())
	}
	if _, resume, _ := r.Mark(); resume != 6 {
		t.Fatalf("resume %d, want 6", resume)
	}
}
