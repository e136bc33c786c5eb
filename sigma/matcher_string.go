package sigma

import (
	"strings"
	"unicode/utf8"
)

// strOp is the placement of a literal needle.
type strOp uint8

const (
	strEqual strOp = iota
	strContains
	strPrefix
	strSuffix
)

// strMatcher compares the event text with a literal needle (lower-cased at
// compile time unless cased).
type strMatcher struct {
	needle string
	op     strOp // after needle: 24 bytes, not 32
	cased  bool
}

// matcherBlock hands out the string matchers of one item plan from one
// allocation: a large rule set has ~300k of them (SigmaHQ grown 10 times),
// made while the rule files are parsed, and one object per matcher left
// them scattered over spans otherwise filled with parsing garbage.
type matcherBlock []strMatcher

// str returns m stored in the block, or on its own once the block is full.
func (b *matcherBlock) str(m strMatcher) *strMatcher {
	if b == nil || len(*b) == cap(*b) {
		own := new(strMatcher) // not &m: that would allocate m on every call
		*own = m
		return own
	}
	*b = append(*b, m)
	return &(*b)[len(*b)-1]
}

func (m *strMatcher) match(k Kind, str, fold string) bool {
	s, ok := scalarTextOf(k, str, fold, m.cased)
	if !ok {
		return false
	}
	switch m.op {
	case strEqual:
		return s == m.needle
	case strContains:
		return strings.Contains(s, m.needle)
	case strPrefix:
		return strings.HasPrefix(s, m.needle)
	default:
		return strings.HasSuffix(s, m.needle)
	}
}

// globMatcher matches a wildcard pattern: segs[0] * segs[1] * ... * segs[n].
// Each segment is a run of literals and `?`; a pattern without `*` has one
// segment and must match the whole text.
type globMatcher struct {
	segs  []pattern
	cased bool
}

// newGlobMatcher builds a matcher from a pattern already placed by its
// operator (contains etc. add the surrounding stars).
func newGlobMatcher(p pattern, cased bool) *globMatcher {
	g := &globMatcher{cased: cased}
	cur := pattern{}
	for _, part := range p {
		if part.Kind == PartStar {
			g.segs = append(g.segs, cur)
			cur = pattern{}
			continue
		}
		cur = append(cur, part)
	}
	g.segs = append(g.segs, cur)
	return g
}

func (g *globMatcher) match(k Kind, str, fold string) bool {
	s, ok := scalarTextOf(k, str, fold, g.cased)
	if !ok {
		return false
	}
	return g.matchString(s)
}

func (g *globMatcher) matchString(s string) bool {
	last := len(g.segs) - 1
	pos := segmentAt(s, 0, g.segs[0])
	if pos < 0 {
		return false
	}
	if last == 0 {
		return pos == len(s)
	}
	for _, seg := range g.segs[1:last] {
		pos = segmentFind(s, pos, seg)
		if pos < 0 {
			return false
		}
	}
	start := segmentSuffixStart(s, g.segs[last])
	return start >= pos
}

// segmentAt matches seg at s[i:] and returns the end offset, or -1.
func segmentAt(s string, i int, seg pattern) int {
	for _, part := range seg {
		if part.Kind == PartQuestion {
			if i >= len(s) {
				return -1
			}
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
			continue
		}
		if !strings.HasPrefix(s[i:], part.Text) {
			return -1
		}
		i += len(part.Text)
	}
	return i
}

// segmentFind finds the leftmost match of seg at or after pos and returns its
// end offset, or -1. Leftmost matching is optimal between stars.
func segmentFind(s string, pos int, seg pattern) int {
	if len(seg) == 1 && seg[0].Kind == PartLiteral {
		i := strings.Index(s[pos:], seg[0].Text)
		if i < 0 {
			return -1
		}
		return pos + i + len(seg[0].Text)
	}
	for i := pos; i <= len(s); {
		if end := segmentAt(s, i, seg); end >= 0 {
			return end
		}
		if i == len(s) {
			break
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return -1
}

// segmentSuffixStart returns where seg must start to end exactly at len(s),
// or -1 when s does not end with seg.
func segmentSuffixStart(s string, seg pattern) int {
	end := len(s)
	for k := len(seg) - 1; k >= 0; k-- {
		part := seg[k]
		if part.Kind == PartQuestion {
			if end == 0 {
				return -1
			}
			_, w := utf8.DecodeLastRuneInString(s[:end])
			end -= w
			continue
		}
		if !strings.HasSuffix(s[:end], part.Text) {
			return -1
		}
		end -= len(part.Text)
	}
	return end
}

// placePattern adds the stars an operator implies and returns the string
// matcher for the pattern: a plain needle when there are no wildcards.
func placePattern(p pattern, op strOp, cased bool, block *matcherBlock) valueMatcher {
	if !p.hasWildcards() {
		return block.str(strMatcher{op: op, needle: p.literal(), cased: cased})
	}
	placed := pattern{}
	if op == strContains || op == strSuffix {
		placed = append(placed, StringPart{Kind: PartStar})
	}
	placed = append(placed, p...)
	if op == strContains || op == strPrefix {
		placed = append(placed, StringPart{Kind: PartStar})
	}
	return newGlobMatcher(placed, cased)
}
