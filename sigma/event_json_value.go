package sigma

import "unsafe"

// valueBuilder turns spans of a valid JSON document into Values. Strings
// that need no unescaping alias the document; unescaped and folded text goes
// into arena and array members into items, both reused across events. Values
// it returned are overwritten by the next reset.
type valueBuilder struct {
	arena []byte
	items []Value
	stack []Value
}

func (vb *valueBuilder) reset() {
	vb.arena = vb.arena[:0]
	vb.items = vb.items[:0]
	vb.stack = vb.stack[:0]
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
		s := vb.text(raw[1 : len(raw)-1])
		return Value{Kind: KindString, Str: s, Fold: vb.fold(s), Raw: raw}
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

// text returns the decoded text of a JSON string's content.
func (vb *valueBuilder) text(content []byte) string {
	if !needsUnquote(content) {
		return bytesString(content)
	}
	at := len(vb.arena)
	vb.arena = appendUnescaped(vb.arena, content)
	return bytesString(vb.arena[at:])
}

// fold returns strings.ToLower(s), lower-casing ASCII into the arena.
func (vb *valueBuilder) fold(s string) string {
	ascii, upper := foldASCII(s)
	switch {
	case !ascii:
		return foldString(s)
	case !upper:
		return s
	}
	at := len(vb.arena)
	vb.arena = appendLowerASCII(vb.arena, s)
	return bytesString(vb.arena[at:])
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
