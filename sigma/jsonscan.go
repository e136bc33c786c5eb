package sigma

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// This file holds the validating JSON scanner primitives shared by the
// single-pass extractor (jsonscan_extract.go) and the slow-path path resolver
// (jsonscan_lookup.go). They work on byte offsets into one buffer and never
// allocate except to build an error.
//
// The grammar accepted is exactly RFC 8259, as encoding/json.Valid accepts it:
// invalid UTF-8 inside strings is allowed (decoding replaces it with U+FFFD),
// control characters below 0x20 inside strings are not.

// maxJSONDepth bounds nesting like encoding/json does, so hostile input cannot
// exhaust the stack.
const maxJSONDepth = 10000

// jsonSyntaxError reports where a document stops being valid JSON.
type jsonSyntaxError struct {
	Offset int
	Msg    string
}

func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

func syntaxErr(b []byte, i int, what string) error {
	if i >= len(b) {
		return &jsonSyntaxError{Offset: i, Msg: "unexpected end of input, expected " + what}
	}
	return &jsonSyntaxError{Offset: i, Msg: fmt.Sprintf("unexpected %q, expected %s", b[i], what)}
}

// strPlain marks bytes that need no attention inside a JSON string.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scanString validates the string starting at b[i] == '"' and returns the
// offset just past its closing quote and whether it contains escapes.
func scanString(b []byte, i int) (int, bool, error) {
	i++
	esc := false
	for {
		i = skipPlain(b, i)
		if i >= len(b) {
			return i, esc, syntaxErr(b, i, "closing quote")
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1, esc, nil
		case c == '\\':
			esc = true
			n, err := scanEscape(b, i)
			if err != nil {
				return n, esc, err
			}
			i = n
		default:
			return i, esc, &jsonSyntaxError{Offset: i, Msg: fmt.Sprintf("control character %#02x in string", c)}
		}
	}
}

// skipPlain advances over bytes that need no attention inside a string,
// eight at a time; in the word that holds a quote, backslash or control
// byte, the lowest flagged byte is the first such byte.
func skipPlain(b []byte, i int) int {
	for i+8 <= len(b) {
		if m := attentionMask(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(b) && strPlain[b[i]] {
		i++
	}
	return i
}

const (
	lsb8 = 0x0101010101010101
	msb8 = 0x8080808080808080
)

// attentionMask has the top bit set of the bytes of w that may be '"', '\\'
// or < 0x20. Classic SWAR: a byte is zero iff (x-1)&^x has its top bit set;
// bytes with their own top bit set are excluded by &^w so UTF-8 never
// false-positives. A borrow only runs upwards from a byte that is truly
// '"', '\\' or < 0x20, so the lowest flagged byte always is one (bytes
// above it may be flagged falsely).
func attentionMask(w uint64) uint64 {
	q := w ^ (lsb8 * '"')
	s := w ^ (lsb8 * '\\')
	hasQ := (q - lsb8) &^ q
	hasS := (s - lsb8) &^ s
	hasCtl := w - lsb8*0x20
	return (hasQ | hasS | hasCtl) &^ w & msb8
}

// scanEscape validates the escape at b[i] == '\\' and returns the offset
// after it.
func scanEscape(b []byte, i int) (int, error) {
	if i+1 >= len(b) {
		return i + 1, syntaxErr(b, i+1, "escape character")
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2, nil
	case 'u':
		for k := i + 2; k < i+6; k++ {
			if k >= len(b) || hexValue(b[k]) < 0 {
				return k, syntaxErr(b, k, "hex digit in \\u escape")
			}
		}
		return i + 6, nil
	}
	return i + 1, syntaxErr(b, i+1, "valid escape character")
}

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber validates the number starting at b[i] and returns the offset
// after it.
func scanNumber(b []byte, i int) (int, error) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return i, syntaxErr(b, i, "digit")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return i, syntaxErr(b, i, "digit after decimal point")
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return i, syntaxErr(b, i, "digit in exponent")
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	return i, nil
}

func scanLiteral(b []byte, i int, lit string) (int, error) {
	for k := 0; k < len(lit); k++ {
		if i+k >= len(b) || b[i+k] != lit[k] {
			return i + k, syntaxErr(b, i+k, "literal "+lit)
		}
	}
	return i + len(lit), nil
}

// skipValue validates the value starting at b[i] (no leading space) and
// returns the offset just after it.
func skipValue(b []byte, i, depth int) (int, error) {
	if i >= len(b) {
		return i, syntaxErr(b, i, "value")
	}
	switch c := b[i]; c {
	case '"':
		n, _, err := scanString(b, i)
		return n, err
	case '{':
		return skipObject(b, i, depth+1)
	case '[':
		return skipArray(b, i, depth+1)
	case 't':
		return scanLiteral(b, i, "true")
	case 'f':
		return scanLiteral(b, i, "false")
	case 'n':
		return scanLiteral(b, i, "null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return scanNumber(b, i)
	}
	return i, syntaxErr(b, i, "a JSON value")
}

func skipObject(b []byte, i, depth int) (int, error) {
	if depth > maxJSONDepth {
		return i, &jsonSyntaxError{Offset: i, Msg: "exceeded maximum nesting depth"}
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = scanKey(b, i); err != nil {
			return i, err
		}
		if i, err = skipValue(b, i, depth); err != nil {
			return i, err
		}
		var done bool
		if i, done, err = objectNext(b, i); err != nil || done {
			return i, err
		}
	}
}

// scanKey validates `"key" :` at b[i] and returns the offset of the value.
func scanKey(b []byte, i int) (int, error) {
	if i >= len(b) || b[i] != '"' {
		return i, syntaxErr(b, i, "string key")
	}
	i, _, err := scanString(b, i)
	if err != nil {
		return i, err
	}
	return afterColon(b, i)
}

func afterColon(b []byte, i int) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return i, syntaxErr(b, i, "':'")
	}
	return skipSpace(b, i+1), nil
}

// objectNext consumes the separator after a member: it returns done when
// the object closed, else the offset of the next key.
func objectNext(b []byte, i int) (int, bool, error) {
	i = skipSpace(b, i)
	if i < len(b) {
		switch b[i] {
		case ',':
			return skipSpace(b, i+1), false, nil
		case '}':
			return i + 1, true, nil
		}
	}
	return i, true, syntaxErr(b, i, "',' or '}'")
}

// arrayNext is objectNext for arrays.
func arrayNext(b []byte, i int) (int, bool, error) {
	i = skipSpace(b, i)
	if i < len(b) {
		switch b[i] {
		case ',':
			return skipSpace(b, i+1), false, nil
		case ']':
			return i + 1, true, nil
		}
	}
	return i, true, syntaxErr(b, i, "',' or ']'")
}

func skipArray(b []byte, i, depth int) (int, error) {
	if depth > maxJSONDepth {
		return i, &jsonSyntaxError{Offset: i, Msg: "exceeded maximum nesting depth"}
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = skipValue(b, i, depth); err != nil {
			return i, err
		}
		var done bool
		if i, done, err = arrayNext(b, i); err != nil || done {
			return i, err
		}
	}
}

// ValidJSON reports whether b is exactly one valid JSON value (white space
// around it allowed). It accepts exactly what encoding/json.Valid accepts,
// several times faster and without allocating.
func ValidJSON(b []byte) bool { return validateDocument(b) == nil }

// validateDocument checks that b holds exactly one JSON value, optionally
// surrounded by white space.
func validateDocument(b []byte) error {
	i := skipSpace(b, 0)
	i, err := skipValue(b, i, 0)
	if err != nil {
		return err
	}
	return checkTrailing(b, i)
}

func checkTrailing(b []byte, i int) error {
	if i = skipSpace(b, i); i != len(b) {
		return &jsonSyntaxError{Offset: i, Msg: "data after the JSON value"}
	}
	return nil
}
