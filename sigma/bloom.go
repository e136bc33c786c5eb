package sigma

import (
	"math/bits"

	"github.com/bits-and-blooms/bloom/v3"
)

// The bloom pre-filter (CompileOptions.BloomPrefilter, daemon flag
// --bloom-prefilter) lets the candidate index skip an Aho-Corasick scan of a
// text that cannot contain any of the automaton's needles.
//
// For every needle it stores one q-gram of that needle (q = the shortest
// needle's length, from 2 to 4) in a bloom filter; one-byte needles go into
// a byte set. A text that contains a needle contains all of its q-grams, so
// when no window of the text tests positive the scan would have reported
// nothing and is skipped: the pre-filter never changes a result. A probe is
// one multiply and one load from a filter small enough to stay in cache,
// independent of the previous byte, while the automata of the full corpus
// miss the cache on most bytes. Each needle contributes its rarest-looking
// q-gram, so everyday text rarely hits. Filters use two hash functions and 64
// bits per q-gram (about 0.1% false positives per window) and are built while
// they fit in CompileOptions.BloomMaxBytes; sets without a filter are always
// scanned.

// DefaultBloomMaxBytes is the memory budget of the bloom pre-filter when
// CompileOptions.BloomMaxBytes is zero (daemon default --bloom-max-bytes).
const DefaultBloomMaxBytes = 1 << 20

const (
	bloomMaxQ       = 4
	bloomBitsPerKey = 64
	bloomHashes     = 2
)

// needleBloom is the pre-filter of one needle set. A nil *needleBloom lets
// every text through.
type needleBloom struct {
	filter *bloom.BloomFilter
	words  []uint64 // filter's bits
	q      int
	shift  uint      // 64 - log2(bits)
	single [4]uint64 // bytes that are whole needles
	hasOne bool
}

// newNeedleBloom builds the filter for needles within budget bytes; nil when
// a needle is empty or the filter does not fit.
func newNeedleBloom(needles []string, budget int) *needleBloom {
	b := &needleBloom{q: bloomMaxQ}
	keys := 0
	for _, nd := range needles {
		switch len(nd) {
		case 0:
			return nil
		case 1:
			b.single[nd[0]/64] |= 1 << (nd[0] % 64)
			b.hasOne = true
		default:
			b.q = min(b.q, len(nd))
			keys++
		}
	}
	if len(needles) == 0 {
		return nil
	}
	if keys == 0 {
		b.q = 0 // one-byte needles only
		keys = 1
	}
	logM := max(9, bits.Len(uint(keys*bloomBitsPerKey-1)))
	if 1<<logM/8 > budget {
		return nil
	}
	b.filter = bloom.New(1<<logM, bloomHashes)
	b.words = b.filter.BitSet().Words()
	b.shift = uint(64 - logM)
	for _, nd := range needles {
		if len(nd) >= 2 {
			h1, h2 := b.locations(rarestGram(nd, b.q))
			b.filter.BitSet().Set(h1).Set(h2)
		}
	}
	b.words = b.filter.BitSet().Words()
	return b
}

// bytes is the filter's memory.
func (b *needleBloom) bytes() int { return int(b.filter.Cap()/8) + len(b.single)*8 }

// locations are the two bit positions of a q-gram key (multiplicative
// hashing; the top bits of a product are the best mixed).
func (b *needleBloom) locations(key uint32) (uint, uint) {
	h := uint64(key) * 0x9E3779B97F4A7C15
	return uint(h >> b.shift), uint((h * 0xD6E8FEB86659FD93) >> b.shift)
}

// mayContain reports whether text may contain a needle of the set: false
// means it certainly contains none.
func (b *needleBloom) mayContain(text string) bool {
	if b == nil {
		return true
	}
	if b.hasOne {
		for i := 0; i < len(text); i++ {
			if c := text[i]; b.single[c/64]&(1<<(c%64)) != 0 {
				return true
			}
		}
	}
	q := b.q
	if q == 0 || len(text) < q {
		return false
	}
	words, shift := b.words, b.shift
	var key uint32
	for i := 0; i < q-1; i++ {
		key |= uint32(text[i]) << (8 * i)
	}
	top := 8 * uint(q-1)
	for i := q - 1; i < len(text); i++ {
		key |= uint32(text[i]) << top
		h := uint64(key) * 0x9E3779B97F4A7C15
		if l1 := uint(h >> shift); words[l1/64]&(1<<(l1%64)) != 0 {
			if l2 := uint((h * 0xD6E8FEB86659FD93) >> shift); words[l2/64]&(1<<(l2%64)) != 0 {
				return true
			}
		}
		key >>= 8
	}
	return false
}

// gramKey packs s[i:i+q] little-endian into a key, as mayContain's rolling
// window does.
func gramKey(s string, i, q int) uint32 {
	var key uint32
	for j := 0; j < q; j++ {
		key |= uint32(s[i+j]) << (8 * j)
	}
	return key
}

// rarestGram returns the key of the q-gram of needle made of the rarest
// looking bytes (a fixed frequency guess for log text).
func rarestGram(needle string, q int) uint32 {
	best, bestScore := 0, 1<<30
	for i := 0; i+q <= len(needle); i++ {
		score := 0
		for j := i; j < i+q; j++ {
			score += byteCommonness(needle[j])
		}
		if score < bestScore {
			best, bestScore = i, score
		}
	}
	return gramKey(needle, best, q)
}

// byteCommonness guesses how often a (lower-cased) byte occurs in log text.
func byteCommonness(c byte) int {
	const letters = "etaoinsrhldcumfpgwybvkxjqz" // most to least common
	switch {
	case c == ' ' || c == '\\' || c == '.' || c == '/' || c == ':' || c == '-' || c == '_':
		return 30
	case c >= 'a' && c <= 'z':
		for i := 0; i < len(letters); i++ {
			if letters[i] == c {
				return 26 - i
			}
		}
	case c >= '0' && c <= '9':
		return 12
	}
	return 2
}

// applyBloomPrefilter attaches filters to the substring automata of the
// candidate index, keyword automaton first, within maxBytes in total.
func applyBloomPrefilter(x *candidateIndex, maxBytes int) {
	if x == nil {
		return
	}
	if maxBytes <= 0 {
		maxBytes = DefaultBloomMaxBytes
	}
	if x.keywords != nil {
		if b := newNeedleBloom(x.keywordNeedles, maxBytes); b != nil {
			x.keywordBloom = b
			maxBytes -= b.bytes()
		}
	}
	for _, fi := range x.fields {
		if fi.substr == nil {
			continue
		}
		if b := newNeedleBloom(fi.needles, maxBytes); b != nil {
			fi.bloom = b
			maxBytes -= b.bytes()
		}
	}
}
