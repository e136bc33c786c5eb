package otlp

import (
	"encoding/hex"
	"math"
	"strconv"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"

	"github.com/rsigma-connect/rsigma-connect/internal/jsontext"
)

// object is a JSON object that keeps first-insertion key order; setting an
// existing key overwrites its value in place. Values stay in their OTLP form
// until the object is encoded, so flattening allocates little.
type object struct {
	entries []entry
	index   map[string]int // built once the object outgrows a linear scan
}

// entry is one key with a string, an integer or an OTLP AnyValue.
type entry struct {
	key  string
	kind entryKind
	text string
	num  int64
	any  *commonpb.AnyValue
}

type entryKind uint8

const (
	kindString entryKind = iota
	kindInt
	kindAnyValue
)

// linearScanLimit is the size up to which lookups scan the entries.
const linearScanLimit = 16

func (o *object) setString(key, v string)    { o.set(entry{key: key, kind: kindString, text: v}) }
func (o *object) setInt(key string, v int64) { o.set(entry{key: key, kind: kindInt, num: v}) }
func (o *object) setAnyValue(key string, v *commonpb.AnyValue) {
	o.set(entry{key: key, kind: kindAnyValue, any: v})
}

func (o *object) set(e entry) {
	if i, ok := o.find(e.key); ok {
		o.entries[i] = e
		return
	}
	o.entries = append(o.entries, e)
	if o.index != nil {
		o.index[e.key] = len(o.entries) - 1
	} else if len(o.entries) > linearScanLimit {
		o.index = make(map[string]int, 2*len(o.entries))
		for i, e := range o.entries {
			o.index[e.key] = i
		}
	}
}

func (o *object) find(key string) (int, bool) {
	if o.index != nil {
		i, ok := o.index[key]
		return i, ok
	}
	for i := range o.entries {
		if o.entries[i].key == key {
			return i, true
		}
	}
	return 0, false
}

// appendJSON writes the object as compact JSON without HTML escaping.
func (o *object) appendJSON(buf []byte) []byte {
	buf = append(buf, '{')
	for i := range o.entries {
		e := &o.entries[i]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = jsontext.AppendString(buf, e.key)
		buf = append(buf, ':')
		switch e.kind {
		case kindString:
			buf = jsontext.AppendString(buf, e.text)
		case kindInt:
			buf = strconv.AppendInt(buf, e.num, 10)
		default:
			buf = appendAnyValue(buf, e.any)
		}
	}
	return append(buf, '}')
}

// appendAnyValue writes an OTLP AnyValue as JSON: bytes become lowercase hex,
// NaN and ±Inf null, a kvlist an object (a repeated key keeps its first
// position and last value), an unset value null.
func appendAnyValue(buf []byte, v *commonpb.AnyValue) []byte {
	switch v := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return jsontext.AppendString(buf, v.StringValue)
	case *commonpb.AnyValue_BoolValue:
		return strconv.AppendBool(buf, v.BoolValue)
	case *commonpb.AnyValue_IntValue:
		return strconv.AppendInt(buf, v.IntValue, 10)
	case *commonpb.AnyValue_DoubleValue:
		if math.IsNaN(v.DoubleValue) || math.IsInf(v.DoubleValue, 0) {
			return append(buf, "null"...)
		}
		return strconv.AppendFloat(buf, v.DoubleValue, 'g', -1, 64)
	case *commonpb.AnyValue_BytesValue:
		buf = append(buf, '"')
		buf = hex.AppendEncode(buf, v.BytesValue)
		return append(buf, '"')
	case *commonpb.AnyValue_ArrayValue:
		buf = append(buf, '[')
		for i, e := range v.ArrayValue.GetValues() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendAnyValue(buf, e)
		}
		return append(buf, ']')
	case *commonpb.AnyValue_KvlistValue:
		var nested object
		for _, pair := range v.KvlistValue.GetValues() {
			nested.setAnyValue(pair.GetKey(), pair.GetValue())
		}
		return nested.appendJSON(buf)
	}
	return append(buf, "null"...)
}

// reset empties the object for reuse, keeping its storage.
func (o *object) reset() {
	clear(o.entries)
	o.entries = o.entries[:0]
	clear(o.index) // an empty index stays in use and is refilled by set
}

// jsonLen is the number of bytes appendJSON writes, found without writing
// them, so that the event buffer is sized (and paid for) before it is
// filled: escaping can make an event up to six times its decoded strings.
func (o *object) jsonLen() int {
	n := 2 + max(len(o.entries)-1, 0) // braces and commas
	for i := range o.entries {
		e := &o.entries[i]
		n += jsontext.QuotedLen(e.key) + 1
		switch e.kind {
		case kindString:
			n += jsontext.QuotedLen(e.text)
		case kindInt:
			var scratch [24]byte
			n += len(strconv.AppendInt(scratch[:0], e.num, 10))
		default:
			n += anyValueLen(e.any)
		}
	}
	return n
}

// anyValueLen is the number of bytes appendAnyValue writes for v.
func anyValueLen(v *commonpb.AnyValue) int {
	var scratch [32]byte
	switch v := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return jsontext.QuotedLen(v.StringValue)
	case *commonpb.AnyValue_BoolValue:
		return len(strconv.AppendBool(scratch[:0], v.BoolValue))
	case *commonpb.AnyValue_IntValue:
		return len(strconv.AppendInt(scratch[:0], v.IntValue, 10))
	case *commonpb.AnyValue_DoubleValue:
		if math.IsNaN(v.DoubleValue) || math.IsInf(v.DoubleValue, 0) {
			return len("null")
		}
		return len(strconv.AppendFloat(scratch[:0], v.DoubleValue, 'g', -1, 64))
	case *commonpb.AnyValue_BytesValue:
		return 2 + hex.EncodedLen(len(v.BytesValue))
	case *commonpb.AnyValue_ArrayValue:
		values := v.ArrayValue.GetValues()
		n := 2 + max(len(values)-1, 0)
		for _, e := range values {
			n += anyValueLen(e)
		}
		return n
	case *commonpb.AnyValue_KvlistValue:
		var nested object
		for _, pair := range v.KvlistValue.GetValues() {
			nested.setAnyValue(pair.GetKey(), pair.GetValue())
		}
		return nested.jsonLen()
	}
	return len("null")
}
