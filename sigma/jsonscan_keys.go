package sigma

import (
	"encoding/binary"
	"math/bits"
)

// keyTable maps the member names one plan node reads to child nodes. It is
// an open-addressing table with a hash over length and the first and last
// eight bytes: the extractor looks up every key of every planned object, so
// this is cheaper than a Go map's full-key hash.
type keyTable struct {
	shift uint8
	slots []keySlot
	n     int
}

type keySlot struct {
	key  string
	node int32 // -1: empty
}

// get returns the child node for key.
func (t *keyTable) get(key []byte) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := keyHash(key) >> t.shift; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.node < 0 {
			return 0, false
		}
		if s.key == string(key) {
			return s.node, true
		}
	}
}

func (t *keyTable) put(key string, node int32) {
	if (t.n+1)*2 > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	i := keyHash([]byte(key)) >> t.shift
	for ; t.slots[i].node >= 0; i = (i + 1) & mask {
	}
	t.slots[i] = keySlot{key: key, node: node}
	t.n++
}

func (t *keyTable) grow() {
	old := t.slots
	size := max(8, 2*len(old))
	t.slots = make([]keySlot, size)
	for i := range t.slots {
		t.slots[i].node = -1
	}
	t.shift = uint8(64 - bits.TrailingZeros(uint(size)))
	t.n = 0
	for _, s := range old {
		if s.node >= 0 {
			t.put(s.key, s.node)
		}
	}
}

// keyHash returns a 64-bit hash whose top bits index the table.
func keyHash(k []byte) uint64 {
	var a, b uint64
	if len(k) >= 8 {
		a = binary.LittleEndian.Uint64(k)
		b = binary.LittleEndian.Uint64(k[len(k)-8:])
	} else {
		for i, c := range k {
			a |= uint64(c) << (8 * i)
		}
	}
	h := (a ^ uint64(len(k))<<56) * 0x9E3779B97F4A7C15
	h ^= b * 0xC2B2AE3D27D4EB4F
	return h // the top bits, which the multiplications mix best, index the table
}
