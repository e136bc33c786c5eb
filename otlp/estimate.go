package otlp

import (
	"iter"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers the decoded-size estimate follows (common/v1, logs/v1,
// resource/v1).
const (
	fieldRecordBody         = 5 // LogRecord.body (AnyValue)
	fieldRecordAttributes   = 6 // LogRecord.attributes (KeyValue)
	fieldResourceAttributes = 1 // Resource.attributes
	fieldScopeAttributes    = 3 // InstrumentationScope.attributes
	fieldKeyValueValue      = 2 // KeyValue.value (AnyValue)
	fieldAnyArray           = 5 // AnyValue.array_value (ArrayValue)
	fieldAnyKVList          = 6 // AnyValue.kvlist_value (KeyValueList)
	fieldListValues         = 1 // ArrayValue.values, KeyValueList.values
)

// Memory of a decoded message beyond its wire bytes (which are copied into
// its strings), measured with TestDecodedSizeCoversTheHeap (allocations,
// growth included): per KeyValue (its struct and slice slot, the flattened
// object's entry and key index, each built twice for a kvlist), per AnyValue
// (its struct and oneof wrapper), and for the message itself.
const (
	perKeyValueBytes = 600
	perAnyValueBytes = 128
	perMessageBytes  = 1024
)

// maxEstimateDepth stops the estimate where proto.Unmarshal stops decoding
// (its default recursion limit).
const maxEstimateDepth = 10000

// decodedSize bounds the heap a message of wire bytes raw takes once
// decoded and flattened, without decoding it: wire bytes plus a fixed cost
// per KeyValue and AnyValue found under its attributes field (KeyValue)
// and body field (AnyValue; 0: none). Tiny values cost many times their
// wire size, which is why a byte count alone would not do.
func decodedSize(raw []byte, attrs, body protowire.Number) int64 {
	size := int64(len(raw)) + perMessageBytes
	for num, v := range lengthDelimited(raw) {
		switch {
		case num == attrs:
			size += keyValueSize(v, 1)
		case num == body && body != 0:
			size += anyValueSize(v, 1)
		}
	}
	return size
}

// keyValueSize is the decoded overhead of a KeyValue and its value.
func keyValueSize(b []byte, depth int) int64 {
	size := int64(perKeyValueBytes)
	if depth >= maxEstimateDepth {
		return size
	}
	for num, v := range lengthDelimited(b) {
		if num == fieldKeyValueValue {
			size += anyValueSize(v, depth+1)
		}
	}
	return size
}

// anyValueSize is the decoded overhead of an AnyValue and its array or
// kvlist items.
func anyValueSize(b []byte, depth int) int64 {
	size := int64(perAnyValueBytes)
	if depth >= maxEstimateDepth {
		return size
	}
	for num, list := range lengthDelimited(b) {
		if num != fieldAnyArray && num != fieldAnyKVList {
			continue
		}
		for item, v := range lengthDelimited(list) {
			switch {
			case item != fieldListValues:
			case num == fieldAnyArray:
				size += anyValueSize(v, depth+2)
			default:
				size += keyValueSize(v, depth+2)
			}
		}
	}
	return size
}

// lengthDelimited yields the number and value of every length-delimited
// field of message b. It stops quietly at malformed bytes, which
// proto.Unmarshal then reports.
func lengthDelimited(b []byte) iter.Seq2[protowire.Number, []byte] {
	return func(yield func(protowire.Number, []byte) bool) {
		for len(b) > 0 {
			num, typ, n := protowire.ConsumeTag(b)
			if n < 0 {
				return
			}
			b = b[n:]
			if typ == protowire.BytesType {
				v, m := protowire.ConsumeBytes(b)
				if m < 0 || !yield(num, v) {
					return
				}
				b = b[m:]
				continue
			}
			m := protowire.ConsumeFieldValue(num, typ, b)
			if m < 0 {
				return
			}
			b = b[m:]
		}
	}
}
