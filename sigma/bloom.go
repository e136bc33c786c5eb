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
// needle's length, at most 4) in a bloom filter. A text that contains a
// needle contains all of its q-grams, so when no q-gram of the text tests
// positive the scan would have reported nothing and is skipped: the
// pre-filter never changes a result, it only trades a cheap probe per text
// position (no dependent loads, unlike the automaton) for the scan. Each
// needle contributes its rarest-looking q-gram, which keeps the filter from
// firing on everyday text. Filters are sized for a 1% false-positive rate and
// built in field order while they fit in CompileOptions.BloomMaxBytes; sets
// without a filter are always scanned.

// DefaultBloomMaxBytes is the memory budget of the bloom pre-filter when
// CompileOptions.BloomMaxBytes is zero (daemon default --bloom-max-bytes).
const DefaultBloomMaxBytes = 1 << 20

const (
	bloomMaxQ      = 4
	bloomFalsePos  = 0.01
	bloomMaxHashes = 3
)

// needleBloom is the pre-filter of one needle set. A nil *needleBloom lets
// every text through.
type needleBloom struct {
	filter *bloom.BloomFilter
	q      int
	shift  uint // 64 - log2(filter.Cap())
	k      int
}

// newNeedleBloom builds the filter for needles within budget bytes; nil when
// a needle is shorter than two bytes (too short to filter on) or the filter
// does not fit.
func newNeedleBloom(needles []string, budget int) *needleBloom {
	q := bloomMaxQ
	for _, nd := range needles {
		q = min(q, len(nd))
	}
	if q < 2 || len(needles) == 0 {
		return nil
	}
	keys := make(map[uint32]struct{}, len(needles))
	for _, nd := range needles {
		keys[rarestGram(nd, q)] = struct{}{}
	}
	m, k := bloom.EstimateParameters(uint(len(keys)), bloomFalsePos)
	logM := max(6, bits.Len(m-1)) // round up to a power of two, at least one word
	if 1<<logM/8 > budget {
		return nil
	}
	b := &needleBloom{filter: bloom.New(1<<logM, min(k, bloomMaxHashes)), q: q, shift: uint(64 - logM)}
	b.k = int(b.filter.K())
	for key := range keys {
		for i := 0; i < b.k; i++ {
			b.filter.BitSet().Set(b.location(key, i))
		}
	}
	return b
}

// bytes is the filter's memory.
func (b *needleBloom) bytes() int { return int(b.filter.Cap() / 8) }

// location is the i-th bit position of a q-gram key (multiplicative
// hashing; the top bits of the product are the best mixed).
func (b *needleBloom) location(key uint32, i int) uint {
	h := (uint64(key) + uint64(i)*0x9E3779B97F4A7C15) * 0xD6E8FEB86659FD93
	return uint(h >> b.shift)
}

// mayContain reports whether text may contain a needle of the set: false
// means it certainly contains none.
func (b *needleBloom) mayContain(text string) bool {
	if b == nil {
		return true
	}
	q := b.q
	if len(text) < q {
		return false
	}
	set := b.filter.BitSet()
	var key uint32
	for i := 0; i < q-1; i++ {
		key |= uint32(text[i]) << (8 * i)
	}
	top := 8 * uint(q-1)
	for i := q - 1; i < len(text); i++ {
		key |= uint32(text[i]) << top
		hit := true
		for j := 0; j < b.k && hit; j++ {
			hit = set.Test(b.location(key, j))
		}
		if hit {
			return true
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
