package fleet

import (
	"slices"
)

// Entry is one batch as a partition's transport delivered it: its
// sequence in the partition's stream, the source position it names (0:
// none) and its encoded bytes.
type Entry struct {
	Sequence uint64
	Position uint64
	Data     []byte
}

// Reorder puts one partition's batches back into source order. Stage-1
// members publish batches in whatever order their events finish, so the
// partition's stream holds them out of order; a batch may also be
// published twice when its event is redelivered. Reorder keeps the
// batches whose position lies beyond the watermark (the source position
// below which every event's batches are known to be in the stream) and
// releases, at each Release, those at or below it in position order, once
// each. Batches without a position follow at the next Release, in stream
// order. Not safe for concurrent use.
type Reorder struct {
	applied  uint64              // highest position released (or restored)
	last     uint64              // highest stream sequence added (or skipped)
	pending  []Entry             // positioned, beyond the watermark
	waiting  map[uint64]struct{} // positions in pending
	loose    []Entry             // without a position, not released yet
	released []uint64            // sequences of loose entries released since the restore point
	restored map[uint64]struct{} // loose sequences the checkpoint says were applied
}

// NewReorder starts a partition from checkpoint cp (the zero Checkpoint
// for a partition never checkpointed): batches with a position up to
// cp.Applied, and those before cp.Resume in the stream, were applied.
func NewReorder(cp Checkpoint) *Reorder {
	r := &Reorder{applied: cp.Applied, waiting: map[uint64]struct{}{}, restored: map[uint64]struct{}{}}
	if cp.Resume > 0 {
		r.last = cp.Resume - 1
	}
	for _, seq := range cp.Unordered {
		r.restored[seq] = struct{}{}
	}
	r.released = slices.Clone(cp.Unordered)
	return r
}

// Add takes a batch read from the stream; false means it is dropped: read
// before (a sequence behind the last one), already applied, or a second
// copy of a batch still waiting. The batches of one stream message (see
// Message) share its sequence and are added one after the other; a batch
// without a position always comes alone in its message.
func (r *Reorder) Add(e Entry) bool {
	if e.Sequence < r.last || e.Sequence == r.last && e.Position == 0 {
		return false
	}
	r.last = e.Sequence
	if e.Position == 0 {
		if _, done := r.restored[e.Sequence]; done {
			return false
		}
		r.loose = append(r.loose, e)
		return true
	}
	if e.Position <= r.applied {
		return false
	}
	if _, dup := r.waiting[e.Position]; dup {
		return false
	}
	r.waiting[e.Position] = struct{}{}
	r.pending = append(r.pending, e)
	return true
}

// Skip takes a message of the stream at sequence seq that holds no batch
// (it cannot be read as one): a reader continues after it.
func (r *Reorder) Skip(seq uint64) { r.last = max(r.last, seq) }

// Release returns the batches to apply now, at most limit (0: all), in
// order: those with a position at or below watermark, by position, then
// those without one.
func (r *Reorder) Release(watermark uint64, limit int) []Entry {
	if limit <= 0 {
		limit = int(^uint(0) >> 1)
	}
	slices.SortFunc(r.pending, func(a, b Entry) int {
		switch {
		case a.Position < b.Position:
			return -1
		case a.Position > b.Position:
			return 1
		}
		return 0
	})
	n := 0
	for n < len(r.pending) && n < limit && r.pending[n].Position <= watermark {
		n++
	}
	loose := min(len(r.loose), limit-n)
	out := make([]Entry, 0, n+loose)
	out = append(out, r.pending[:n]...)
	for _, e := range r.pending[:n] {
		delete(r.waiting, e.Position)
	}
	if n > 0 {
		r.applied = r.pending[n-1].Position
		r.pending = slices.Delete(r.pending, 0, n)
	}
	for _, e := range r.loose[:loose] {
		r.released = append(r.released, e.Sequence)
	}
	out = append(out, r.loose[:loose]...)
	r.loose = slices.Delete(r.loose, 0, loose)
	return out
}

// Next is the stream sequence a reader continues at: one past the last
// one added (or skipped).
func (r *Reorder) Next() uint64 { return r.last + 1 }

// Applied is the highest position released (or restored).
func (r *Reorder) Applied() uint64 { return r.applied }

// Waiting is the number of batches held back by the watermark.
func (r *Reorder) Waiting() int { return len(r.pending) + len(r.loose) }

// Mark returns the checkpoint position once everything released so far
// has been applied: the highest position applied, the stream sequence a
// new reader must start at to see every batch not applied yet, and the
// sequences at or after it of batches without a position that were
// applied (a new reader must skip them).
func (r *Reorder) Mark() (applied, resume uint64, unordered []uint64) {
	resume = r.last + 1
	for _, e := range r.pending {
		resume = min(resume, e.Sequence)
	}
	for _, e := range r.loose {
		resume = min(resume, e.Sequence)
	}
	r.released = slices.DeleteFunc(r.released, func(seq uint64) bool { return seq < resume })
	return r.applied, resume, slices.Clone(r.released)
}
