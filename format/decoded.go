package format

import (
	"github.com/rsigma-connect/rsigma-connect/internal/jsontext"
)

// Kind says which sigma.Event implementation a Decoded maps to
// (input-formats.md §1).
type Kind uint8

// Event kinds.
const (
	// KindJSON events carry raw JSON text (→ sigma.JSONEvent).
	KindJSON Kind = iota + 1
	// KindFields events carry flat string pairs (→ sigma.NewFieldsEvent).
	KindFields
	// KindPlain events carry the line only (→ sigma.NewPlainEvent).
	KindPlain
)

func (k Kind) String() string {
	switch k {
	case KindJSON:
		return "json"
	case KindFields:
		return "fields"
	case KindPlain:
		return "plain"
	}
	return "unknown"
}

// Decoded is one event produced from an input line. Its slices are owned by
// the Decoder and valid only during the callback that receives it; copy what
// must outlive the call.
type Decoded struct {
	Kind Kind
	// JSON is the event's JSON value (KindJSON): exactly one valid JSON value,
	// the original bytes where possible, so key order and number literals are
	// those of the input.
	JSON []byte
	// Keys and Values are the pairs of a KindFields event in input order,
	// duplicate keys already removed (the first occurrence wins).
	Keys, Values []string
	// Line is the text of a KindPlain event (not trimmed).
	Line string
}

// AppendEventJSON appends the JSON text of the event as output.md §5 renders
// it under `event`: the JSON value itself, an object of the pairs, or
// {"_raw": line}. Strings are escaped without HTML escaping.
func (d *Decoded) AppendEventJSON(dst []byte) []byte {
	switch d.Kind {
	case KindJSON:
		return append(dst, d.JSON...)
	case KindFields:
		dst = append(dst, '{')
		for i, k := range d.Keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsontext.AppendString(dst, k)
			dst = append(dst, ':')
			dst = jsontext.AppendString(dst, d.Values[i])
		}
		return append(dst, '}')
	default:
		dst = append(dst, `{"_raw":`...)
		dst = jsontext.AppendString(dst, d.Line)
		return append(dst, '}')
	}
}

// Field returns the value of key in a KindFields event.
func (d *Decoded) Field(key string) (string, bool) {
	for i, k := range d.Keys {
		if k == key {
			return d.Values[i], true
		}
	}
	return "", false
}
