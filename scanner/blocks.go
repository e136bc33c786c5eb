package scanner

import (
	"slices"
	"sync"
)

// Sizes of the line blocks.
const (
	// blockSize is the size of one block: two hand-overs of 128 Sysmon
	// events, so that a few blocks cycle between the reader and the batches
	// in flight.
	blockSize = 256 << 10
	// blockLineMax is the longest line copied into a block; a longer one is
	// allocated on its own, so that a block is never mostly empty.
	blockLineMax = blockSize / 4
	// maxSealedBlocks bounds the filled blocks waiting for acknowledgements:
	// beyond it the oldest is forgotten (the collector frees it once its
	// messages are gone), so batches that are never acknowledged cost
	// memory only as long as their messages live.
	maxSealedBlocks = 64
	// maxFreeBlocks bounds the blocks kept for reuse.
	maxFreeBlocks = 8
)

// lineBlocks is the memory the sigma_stdin input copies its lines into:
// blocks of blockSize bytes, each line a slice of one, each block reused
// once no batch that may hold one of its lines is in flight. Without it
// every event's line was an allocation of its own (~1.1 KB of the ~3.8 KB
// a Sysmon event allocated through the whole daemon), which the collector
// paid for in cycles.
//
// A block is filled by alloc on the reading goroutine and then sealed. When
// a batch is read with no line held back in the splitter (Splitter.Pending
// false), every line of a sealed block went out in that batch or an earlier
// one: the block is free once all batches up to that one are acknowledged,
// which the framework does only after every output has written every
// message derived from them (a nacked batch is replayed, and acknowledged
// later). Acknowledgements may come out of order.
type lineBlocks struct {
	cur []byte // the block being filled (reading goroutine only)

	mu      sync.Mutex
	sealed  []sealedBlock // in the order they were filled
	free    [][]byte
	read    uint64   // batches read so far; a batch's number is its count
	unacked []uint64 // numbers of the batches read and not acknowledged, ascending
	made    int      // blocks allocated so far
}

// sealedBlock is a filled block and the last batch that may hold one of
// its lines (0: not known yet).
type sealedBlock struct {
	buf  []byte
	last uint64
}

// alloc returns a slice of n bytes for a line, its capacity clipped so that
// appending to it never reaches the next line. Called by the reading
// goroutine only.
func (b *lineBlocks) alloc(n int) []byte {
	if n > blockLineMax {
		return make([]byte, n)
	}
	if cap(b.cur)-len(b.cur) < n {
		b.cur = b.renew(b.cur)
	}
	at := len(b.cur)
	b.cur = b.cur[:at+n]
	return b.cur[at : at+n : at+n]
}

// renew seals full (when it is a block) and returns an empty block, reused
// when one is free.
func (b *lineBlocks) renew(full []byte) []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cap(full) > 0 {
		if len(b.sealed) == maxSealedBlocks {
			b.sealed = slices.Delete(b.sealed, 0, 1)
		}
		b.sealed = append(b.sealed, sealedBlock{buf: full[:0]})
	}
	if n := len(b.free); n > 0 {
		blk := b.free[n-1]
		b.free[n-1] = nil
		b.free = b.free[:n-1]
		return blk
	}
	b.made++
	return make([]byte, 0, blockSize)
}

// batchRead numbers a batch just read; pending is whether the splitter
// still holds lines it has copied but not returned. Pass the number to
// acked once the batch is acknowledged.
func (b *lineBlocks) batchRead(pending bool) uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.read++
	n := b.read
	b.unacked = append(b.unacked, n)
	if !pending {
		for i := len(b.sealed) - 1; i >= 0 && b.sealed[i].last == 0; i-- {
			b.sealed[i].last = n
		}
	}
	return n
}

// acked records that batch n is acknowledged (again: no effect) and frees
// the sealed blocks no batch in flight may hold a line of.
func (b *lineBlocks) acked(n uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	i, found := slices.BinarySearch(b.unacked, n)
	if !found {
		return
	}
	b.unacked = slices.Delete(b.unacked, i, i+1)
	oldest := b.read + 1 // the oldest batch in flight
	if len(b.unacked) > 0 {
		oldest = b.unacked[0]
	}
	done := 0
	for _, s := range b.sealed {
		if s.last == 0 || s.last >= oldest {
			break
		}
		if len(b.free) < maxFreeBlocks {
			b.free = append(b.free, s.buf)
		}
		done++
	}
	b.sealed = slices.Delete(b.sealed, 0, done)
}
