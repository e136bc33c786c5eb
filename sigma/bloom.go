package sigma

import (
	"unsafe"

	"github.com/bits-and-blooms/bloom/v3"
)

// The bloom pre-filter (CompileOptions.BloomPrefilter, daemon flag
// --bloom-prefilter) lets the candidate index skip an Aho-Corasick scan of a
// text that cannot contain any of the automaton's needles.
//
// For every needle it adds one q-gram of that needle (q = the shortest
// needle's length, from 2 to 4) to a bloom filter (bits-and-blooms/bloom);
// one-byte needles go into a byte set. A text that contains a needle
// contains all of its q-grams, so when no window of the text tests positive
// the scan would have reported nothing and is skipped: the pre-filter never
// changes a result. Each needle contributes its rarest-looking q-gram, so
// everyday text rarely hits. Filters are sized by the library's estimate for
// bloomFalsePositive per window and are built while they fit in
// CompileOptions.BloomMaxBytes; sets without a filter are always scanned.

// DefaultBloomMaxBytes is the memory budget of the bloom pre-filter when
// CompileOptions.BloomMaxBytes is zero (daemon default --bloom-max-bytes).
const DefaultBloomMaxBytes = 1 << 20

const (
	bloomMaxQ = 4
	// bloomFalsePositive is the false-positive rate per tested window.
	bloomFalsePositive = 0.001
)

// needleBloom is the pre-filter of one needle set. A nil *needleBloom lets
// every text through.
type needleBloom struct {
	filter *bloom.BloomFilter // q-grams; nil when every needle is one byte
	q      int
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
		return b
	}
	m, k := bloom.EstimateParameters(uint(keys), bloomFalsePositive)
	if int(m/8) > budget {
		return nil
	}
	b.filter = bloom.New(m, k)
	for _, nd := range needles {
		if len(nd) >= 2 {
			b.filter.AddString(rarestGram(nd, b.q))
		}
	}
	return b
}

// bytes is the filter's memory.
func (b *needleBloom) bytes() int {
	n := len(b.single) * 8
	if b.filter != nil {
		n += int(b.filter.Cap() / 8)
	}
	return n
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
	for i := 0; i+q <= len(text); i++ {
		// The filter only reads the window: no copy of the text.
		if b.filter.Test(unsafe.Slice(unsafe.StringData(text[i:]), q)) {
			return true
		}
	}
	return false
}

// rarestGram returns the q-gram of needle made of the rarest looking bytes
// (a fixed frequency guess for log text).
func rarestGram(needle string, q int) string {
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
	return needle[best : best+q]
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

// dropNeedles releases the needle lists that the index kept from its
// build for the pre-filter: the automata answer every lookup, and at 30k
// rules the lists are several MB held for nothing.
func (x *candidateIndex) dropNeedles() {
	x.keywordNeedles = nil
	for _, fi := range x.fields {
		fi.needles = nil
	}
}
