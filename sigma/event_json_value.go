package sigma

import (
	"encoding/binary"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// valueBuilder turns spans of a valid JSON document into Values. Strings
// that need no unescaping alias the document; their folded form aliases a
// lower-cased copy of the whole document, made in one pass when the first
// fold is needed. Unescaped and non-ASCII folded text goes into arena and
// array members into items, all reused across events: Values it returned are
// overwritten after the next reset.
type valueBuilder struct {
	arena []byte
	items []Value
	stack []Value
	// lower mirrors the document's byte positions: the spans of ASCII
	// strings folded this event hold their lower-cased text (lowerSpan).
	lower []byte
	// strs caches built string values by span start, so a string that is
	// both a field and a keyword leaf is decoded and folded once.
	strs [strCacheSize]cachedString
	gen  uint32
}

const (
	strCacheBits = 7
	strCacheSize = 1 << strCacheBits // direct-mapped; a collision only costs a rebuild
)

type cachedString struct {
	gen   uint32
	start int32
	v     Value
}

func (vb *valueBuilder) reset() {
	vb.arena = vb.arena[:0]
	vb.items = vb.items[:0]
	vb.stack = vb.stack[:0]
	vb.gen++
	if vb.gen == 0 {
		clear(vb.strs[:])
		vb.gen = 1
	}
}

// bytesString returns b as a string without copying; b must not change while
// the string is in use.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// value materialises the JSON value doc[sp.start:sp.end].
func (vb *valueBuilder) value(doc []byte, sp valueSpan) Value {
	raw := doc[sp.start:sp.end:sp.end]
	switch raw[0] {
	case '"':
		c := &vb.strs[uint32(sp.start)*0x9E3779B1>>(32-strCacheBits)]
		if c.gen == vb.gen && c.start == sp.start {
			return c.v
		}
		v := vb.stringValue(doc, sp)
		c.gen, c.start, c.v = vb.gen, sp.start, v
		return v
	case '{':
		return Value{Kind: KindObject, Raw: raw}
	case '[':
		return Value{Kind: KindArray, Items: vb.array(doc, int(sp.start)), Raw: raw}
	case 't':
		return Value{Kind: KindBool, Str: "true", Fold: "true", Raw: raw}
	case 'f':
		return Value{Kind: KindBool, Str: "false", Fold: "false", Raw: raw}
	case 'n':
		return Value{Kind: KindNull, Raw: raw}
	}
	s := vb.number(bytesString(raw))
	return Value{Kind: KindNumber, Str: s, Fold: vb.fold(s), Raw: raw}
}

func (vb *valueBuilder) stringValue(doc []byte, sp valueSpan) Value {
	raw := doc[sp.start:sp.end:sp.end]
	content := raw[1 : len(raw)-1]
	escaped, ascii := classifyString(content)
	v := Value{Kind: KindString, Raw: raw}
	switch {
	case escaped || (!ascii && !utf8.Valid(content)):
		at := len(vb.arena)
		vb.arena = appendUnescaped(vb.arena, content)
		v.Str = bytesString(vb.arena[at:])
		v.Fold = vb.fold(v.Str)
	case ascii:
		v.Str = bytesString(content)
		v.Fold = vb.lowerSpan(doc, sp.start+1, sp.end-1)
	default:
		v.Str = bytesString(content)
		v.Fold = vb.fold(v.Str)
	}
	return v
}

// classifyString reports whether a string's content has escapes and
// whether it is all ASCII, eight bytes at a time.
func classifyString(c []byte) (escaped, ascii bool) {
	var high, bs uint64
	i := 0
	for ; i+8 <= len(c); i += 8 {
		w := binary.LittleEndian.Uint64(c[i:])
		high |= w
		x := w ^ (lsb8 * '\\')
		bs |= (x - lsb8) &^ x
	}
	for ; i < len(c); i++ {
		high |= uint64(c[i])
		if c[i] == '\\' {
			bs |= msb8
		}
	}
	// A backslash false positive can only come from a byte >= 0x80, and
	// then the string is handled by the slower non-ASCII branches anyway.
	return bs&msb8 != 0 && (bs&^high&msb8 != 0 || hasBackslash(c)), high&msb8 == 0
}

func hasBackslash(c []byte) bool {
	for _, b := range c {
		if b == '\\' {
			return true
		}
	}
	return false
}

// lowerSpan returns doc[start:end] with ASCII letters lower-cased, written
// at the same positions of vb.lower: only the strings a caller folds are
// lowered, not the whole document. Re-lowering a span writes the same
// bytes, so strings returned earlier this event stay intact; a longer
// document gets a fresh buffer (earlier strings keep the old one).
func (vb *valueBuilder) lowerSpan(doc []byte, start, end int32) string {
	if len(vb.lower) < len(doc) {
		vb.lower = make([]byte, len(doc)+len(doc)/2)
	}
	dst := vb.lower[start:end]
	lowerInto(dst, doc[start:end])
	return bytesString(dst)
}

// appendLowerBytes appends b with A-Z mapped to a-z (other bytes kept).
func appendLowerBytes(dst, b []byte) []byte {
	at := len(dst)
	dst = append(dst, b...)
	lowerInto(dst[at:], b)
	return dst
}

// lowerInto writes src with A-Z mapped to a-z (other bytes kept) into dst,
// which has src's length, eight bytes at a time.
func lowerInto(dst, src []byte) {
	dst = dst[:len(src)]
	i := 0
	for ; i+8 <= len(src); i += 8 {
		w := binary.LittleEndian.Uint64(src[i:])
		// For a byte c < 0x80: c+0x3f has its top bit set iff c >= 'A',
		// c+0x25 iff c > 'Z'. Bytes >= 0x80 are masked out by &^w.
		low7 := w &^ msb8
		isUpper := ((low7 + lsb8*0x3f) ^ (low7 + lsb8*0x25)) &^ w & msb8
		binary.LittleEndian.PutUint64(dst[i:], w|isUpper>>2)
	}
	for ; i < len(src); i++ {
		c := src[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst[i] = c
	}
}

// array materialises the members of the array at doc[start] == '['.
func (vb *valueBuilder) array(doc []byte, start int) []Value {
	base := len(vb.stack)
	forEachElement(doc, start, func(s, e int) {
		v := vb.value(doc, valueSpan{int32(s), int32(e)})
		vb.stack = append(vb.stack, v)
	})
	return vb.commit(base)
}

// commit moves the values pushed on the stack since base into items and
// returns them as a slice its holder cannot append into.
func (vb *valueBuilder) commit(base int) []Value {
	n := len(vb.stack) - base
	if n == 0 {
		vb.stack = vb.stack[:base]
		return []Value{}
	}
	at := len(vb.items)
	vb.items = append(vb.items, vb.stack[base:]...)
	vb.stack = vb.stack[:base]
	return vb.items[at : at+n : at+n]
}

// hits materialises a field found at several places (fan-out over arrays):
// an array of the terminal values in document order.
func (vb *valueBuilder) hits(doc []byte, spans []valueSpan) Value {
	base := len(vb.stack)
	for _, sp := range spans {
		v := vb.value(doc, sp)
		vb.stack = append(vb.stack, v)
	}
	return Value{Kind: KindArray, Items: vb.commit(base)}
}

// fold returns strings.ToLower(s) for a valid UTF-8 s, building any new
// text in the arena.
func (vb *valueBuilder) fold(s string) string {
	at := len(vb.arena)
	if isASCII(s) {
		vb.arena = appendLowerBytes(vb.arena, unsafe.Slice(unsafe.StringData(s), len(s)))
		return bytesString(vb.arena[at:])
	}
	changed := false
	for _, r := range s {
		l := unicode.ToLower(r)
		changed = changed || l != r
		vb.arena = utf8.AppendRune(vb.arena, l)
	}
	if !changed {
		vb.arena = vb.arena[:at]
		return s
	}
	return bytesString(vb.arena[at:])
}

// isASCII reports whether s has no byte >= 0x80, eight bytes at a time.
func isASCII(s string) bool {
	var high uint64
	i := 0
	for ; i+8 <= len(s); i += 8 {
		high |= uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
	}
	for ; i < len(s); i++ {
		high |= uint64(s[i])
	}
	return high&msb8 == 0
}

// number returns the canonical text of the number literal lit.
func (vb *valueBuilder) number(lit string) string {
	if isIntegerLiteral(lit) && lit != "-0" {
		return lit
	}
	at := len(vb.arena)
	vb.arena = appendCanonicalNumber(vb.arena, lit)
	return bytesString(vb.arena[at:])
}
