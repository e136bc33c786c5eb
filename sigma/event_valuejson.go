package sigma

import (
	"github.com/rsigma-connect/rsigma-connect/internal/jsontext"
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
		return jsontext.AppendString(dst, v.Str)
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
