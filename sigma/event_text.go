package sigma

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text helpers shared by the Event implementations: case folding, JSON
// string unescaping and the canonical text of event numbers.

// foldASCII reports how s must be folded: ascii is false when s has a byte
// >= 0x80 (then strings.ToLower is needed), upper when it has A-Z.
func foldASCII(s string) (ascii, upper bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return false, upper
		}
		upper = upper || ('A' <= c && c <= 'Z')
	}
	return true, upper
}

// foldString returns strings.ToLower(s), sharing s when nothing changes.
func foldString(s string) string {
	ascii, upper := foldASCII(s)
	if ascii && !upper {
		return s
	}
	return strings.ToLower(s)
}

// appendUnescaped appends the decoded text of the content of a valid JSON
// string. Like encoding/json it replaces invalid UTF-8 and unpaired UTF-16
// surrogates with U+FFFD.
func appendUnescaped(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			var n int
			dst, n = appendEscape(dst, s[i:])
			i += n
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
		}
	}
	return dst
}

// appendEscape decodes the escape at s[0] == '\\' and reports its length.
func appendEscape(dst, s []byte) ([]byte, int) {
	switch s[1] {
	case 'b':
		return append(dst, '\b'), 2
	case 'f':
		return append(dst, '\f'), 2
	case 'n':
		return append(dst, '\n'), 2
	case 'r':
		return append(dst, '\r'), 2
	case 't':
		return append(dst, '\t'), 2
	case 'u':
		r := hex4(s[2:6])
		if r >= 0xD800 && r < 0xDC00 && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if r2 := hex4(s[8:12]); r2 >= 0xDC00 && r2 < 0xE000 {
				return utf8.AppendRune(dst, (r-0xD800)<<10|(r2-0xDC00)+0x10000), 12
			}
		}
		if r >= 0xD800 && r < 0xE000 {
			r = utf8.RuneError
		}
		return utf8.AppendRune(dst, r), 6
	}
	return append(dst, s[1]), 2 // '"', '\\', '/'
}

func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		r = r<<4 | rune(hexValue(c))
	}
	return r
}

// isIntegerLiteral reports whether a valid JSON number literal has neither
// fraction nor exponent.
func isIntegerLiteral(lit string) bool {
	return !strings.ContainsAny(lit, ".eE")
}

// appendCanonicalNumber appends the canonical text of a valid JSON number
// literal (sigma-rules.md §5.2): integers as written (decimal, exact to any
// size), other numbers in shortest round-trip form without exponent, so
// 4624.0 renders as 4624 and 1e6 as 1000000. A literal float64 cannot hold
// (1e400) keeps its own text. "-0" renders as "0".
func appendCanonicalNumber(dst []byte, lit string) []byte {
	if isIntegerLiteral(lit) {
		if lit == "-0" {
			return append(dst, '0')
		}
		return append(dst, lit...)
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return append(dst, lit...)
	}
	if f == 0 {
		return append(dst, '0')
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

// canonicalNumber is appendCanonicalNumber returning a string; integer
// literals are returned without copying.
func canonicalNumber(lit string) string {
	if isIntegerLiteral(lit) && lit != "-0" {
		return lit
	}
	return string(appendCanonicalNumber(nil, lit))
}
