package sigma

import (
	"unicode/utf8"
)

// AppendValueJSON appends v's JSON text to dst: Raw when present (the
// value as it appeared in the event, key order and number literal kept),
// otherwise text encoded from Kind, Str and Items. A missing value encodes
// as null, an object without Raw as {}. Strings are escaped as JSON requires
// but, unlike encoding/json, without HTML escaping; invalid UTF-8 becomes
// U+FFFD.
func AppendValueJSON(dst []byte, v Value) []byte {
	if v.Raw != nil {
		return append(dst, v.Raw...)
	}
	switch v.Kind {
	case KindString:
		return appendJSONString(dst, v.Str)
	case KindNumber, KindBool:
		return append(dst, v.Str...)
	case KindArray:
		dst = append(dst, '[')
		for i, it := range v.Items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendValueJSON(dst, it)
		}
		return append(dst, ']')
	case KindObject:
		return append(dst, "{}"...)
	}
	return append(dst, "null"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a quoted JSON string.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			dst = appendControlEscape(dst, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			if r == utf8.RuneError {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, `\u202`...)
				dst = append(dst, hexDigits[r&0xF])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendControlEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
