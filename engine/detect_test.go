package engine

import "testing"

// TestStepChunksCoverTheStepInOrder: a parallel step's chunks cover its
// lines exactly, in order, each of at least minChunk/2 lines but the last,
// and small enough that the caller's wait for the other workers' last
// chunk is a few lines: 4 at --batch-size 128 on two workers (it was 16).
func TestStepChunksCoverTheStepInOrder(t *testing.T) {
	for _, c := range []struct{ lo, hi, workers, most int }{
		{0, 128, 2, 4},
		{0, 128, 8, 4},
		{3, 131, 2, 4},
		{0, 512, 2, 16},
		{0, 17, 2, 4},
	} {
		var sc scratch
		chunks := sc.cut(c.lo, c.hi, c.workers*chunksPerWorker)
		next := c.lo
		for k, ch := range chunks {
			if ch.lo != next || ch.hi <= ch.lo {
				t.Fatalf("[%d,%d) on %d workers: chunk %d is [%d,%d), want it to start at %d", c.lo, c.hi, c.workers, k, ch.lo, ch.hi, next)
			}
			if n := ch.hi - ch.lo; n > c.most || (n < minChunk/2 && ch.hi != c.hi) {
				t.Errorf("[%d,%d) on %d workers: chunk %d has %d lines, want %d to %d", c.lo, c.hi, c.workers, k, n, minChunk/2, c.most)
			}
			next = ch.hi
		}
		if next != c.hi {
			t.Fatalf("[%d,%d) on %d workers: chunks end at %d", c.lo, c.hi, c.workers, next)
		}
	}
}
