package otlp

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"runtime"
	"strings"
	"testing"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// allocatedBy is the heap that f allocates: the least of three runs, since
// TotalAlloc also counts what any other goroutine of the test process
// allocates meanwhile (the whole suite under -race once measured 4.6 KiB
// more than f's own), and that only ever adds.
func allocatedBy(f func()) int64 {
	least := int64(-1)
	for range 3 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		if n := int64(after.TotalAlloc - before.TotalAlloc); least < 0 || n < least {
			least = n
		}
	}
	return least
}

// heavyRecords are log records that cost the most heap per wire byte.
func heavyRecords() map[string]*logspb.LogRecord {
	const n = 20000
	name := func(i int) string {
		return string([]byte{byte('a' + i%26), byte('a' + i/26%26), byte('a' + i/676%26)})
	}
	attributes := func(f func(i int) *commonpb.KeyValue) []*commonpb.KeyValue {
		out := make([]*commonpb.KeyValue, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	values := make([]*commonpb.AnyValue, n)
	for i := range values {
		values[i] = &commonpb.AnyValue{}
	}
	return map[string]*logspb.LogRecord{
		"repeated_attributes_without_values": {Attributes: attributes(func(i int) *commonpb.KeyValue {
			return &commonpb.KeyValue{Key: name(i % 26)}
		})},
		"distinct_empty_attributes": {Attributes: attributes(func(i int) *commonpb.KeyValue {
			return kv(strings.Repeat("k", i%7+1)+name(i), &commonpb.AnyValue{})
		})},
		"array_of_empty_values": {Body: &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{
			ArrayValue: &commonpb.ArrayValue{Values: values}}}},
		"kvlist_body":    {Body: kvlist(attributes(func(i int) *commonpb.KeyValue { return kv(name(i), str("v")) })...)},
		"one_big_string": {Body: str(strings.Repeat("A", 1<<20))},
	}
}

// TestDecodedSizeCoversTheHeap checks that the estimate the stream decoder
// pays for before decoding a record covers what decoding and flattening it
// allocate, for the shapes that cost the most per wire byte.
func TestDecodedSizeCoversTheHeap(t *testing.T) {
	for name, rec := range heavyRecords() {
		t.Run(name, func(t *testing.T) {
			raw, err := proto.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			estimate := decodedSize(raw, fieldRecordAttributes, fieldRecordBody)
			var obj object
			heap := allocatedBy(func() {
				var got logspb.LogRecord
				if err := proto.Unmarshal(raw, &got); err != nil {
					t.Fatal(err)
				}
				obj.reset()
				flattenRecord(&obj, &got, nil, nil)
				_ = obj.jsonLen()
			})
			t.Logf("wire %d bytes, decoded and flattened %d bytes, estimate %d (%.2fx)", len(raw), heap, estimate,
				float64(estimate)/float64(heap))
			if heap > estimate {
				t.Fatalf("decoding and flattening allocated %d bytes, the estimate is %d", heap, estimate)
			}
		})
	}
}

// TestJSONDecodedSizeCoversTheHeap is TestDecodedSizeCoversTheHeap for
// OTLP/JSON bodies, which are decoded whole (with trace and span ids, so
// that the hex ids are rewritten too).
func TestJSONDecodedSizeCoversTheHeap(t *testing.T) {
	for name, rec := range heavyRecords() {
		t.Run(name, func(t *testing.T) {
			rec.TraceId = bytes.Repeat([]byte{0xab}, 16)
			rec.SpanId = bytes.Repeat([]byte{0xcd}, 8)
			body, err := protojson.Marshal(request(nil, nil, rec))
			if err != nil {
				t.Fatal(err)
			}
			body = hexIDs(t, body)
			estimate := jsonDecodedSize(body)
			var obj object
			heap := allocatedBy(func() {
				req, err := decodeJSON(body)
				if err != nil {
					t.Fatal(err)
				}
				_ = forEachRecord(req, func(rec *logspb.LogRecord, resource []prefixedAttribute, scope *commonpb.InstrumentationScope) error {
					obj.reset()
					flattenRecord(&obj, rec, resource, scope)
					_ = obj.jsonLen()
					return nil
				})
			})
			t.Logf("JSON %d bytes, decoded and flattened %d bytes, estimate %d (%.2fx)", len(body), heap, estimate,
				float64(estimate)/float64(heap))
			if heap > estimate {
				t.Fatalf("decoding and flattening allocated %d bytes, the estimate is %d", heap, estimate)
			}
		})
	}
}

// hexIDs rewrites the base64 ids protojson writes into OTLP/JSON's hex.
func hexIDs(t *testing.T, body []byte) []byte {
	t.Helper()
	for _, id := range []string{"traceId", "spanId"} {
		key := []byte(`"` + id + `":"`)
		i := bytes.Index(body, key)
		if i < 0 {
			t.Fatalf("no %s in %.200s", id, body)
		}
		start := i + len(key)
		end := start + bytes.IndexByte(body[start:], '"')
		raw, err := base64.StdEncoding.DecodeString(string(body[start:end]))
		if err != nil {
			t.Fatal(err)
		}
		body = append(append(append([]byte(nil), body[:start]...), hex.EncodeToString(raw)...), body[end:]...)
	}
	return body
}
