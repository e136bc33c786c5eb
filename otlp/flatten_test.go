package otlp

import (
	"math"
	"strings"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
)

func str(s string) *commonpb.AnyValue {
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: s}}
}

func kv(key string, v *commonpb.AnyValue) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: key, Value: v}
}

func kvlist(pairs ...*commonpb.KeyValue) *commonpb.AnyValue {
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{Values: pairs}}}
}

// request wraps records in one resource and scope.
func request(resource []*commonpb.KeyValue, scope *commonpb.InstrumentationScope, records ...*logspb.LogRecord) *collogspb.ExportLogsServiceRequest {
	return &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{{
		Resource:  &resourcepb.Resource{Attributes: resource},
		ScopeLogs: []*logspb.ScopeLogs{{Scope: scope, LogRecords: records}},
	}}}
}

func TestFlattenLogRecord(t *testing.T) {
	cases := []struct {
		name     string
		record   *logspb.LogRecord
		resource []*commonpb.KeyValue
		scope    *commonpb.InstrumentationScope
		want     string
	}{
		{
			name: "all_parts_in_spec_order",
			record: &logspb.LogRecord{
				TimeUnixNano:         1714557600000000000,
				ObservedTimeUnixNano: 1714557600123456789,
				SeverityNumber:       logspb.SeverityNumber_SEVERITY_NUMBER_INFO,
				SeverityText:         "INFO",
				Body:                 kvlist(kv("CommandLine", str("malware.exe"))),
				TraceId:              []byte{0x0a, 0xbc, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
				SpanId:               []byte{0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3},
				Attributes:           []*commonpb.KeyValue{kv("User", str("admin"))},
			},
			resource: []*commonpb.KeyValue{kv("service.name", str("test-service"))},
			scope:    &commonpb.InstrumentationScope{Name: "lib", Version: "1.2.3"},
			want: `{"timestamp":"2024-05-01T10:00:00.000000000Z","observed_timestamp":"2024-05-01T10:00:00.123456789Z",` +
				`"severity_number":9,"severity_text":"INFO","CommandLine":"malware.exe",` +
				`"trace_id":"0abc000102030405060708090a0b0c0d","span_id":"deadbeef00010203","User":"admin",` +
				`"resource.service.name":"test-service","scope.name":"lib","scope.version":"1.2.3"}`,
		},
		{
			name:   "empty_record_is_an_empty_object",
			record: &logspb.LogRecord{},
			want:   `{}`,
		},
		{
			name:   "scalar_body_goes_to_body_key",
			record: &logspb.LogRecord{Body: str("line with \"quotes\" <b>\n")},
			want:   `{"body":"line with \"quotes\" <b>\n"}`,
		},
		{
			name: "attribute_overwrites_body_key_in_place",
			record: &logspb.LogRecord{
				SeverityText: "WARN",
				Body:         kvlist(kv("severity_text", str("from-body")), kv("x", str("1"))),
				Attributes:   []*commonpb.KeyValue{kv("x", str("2"))},
			},
			want: `{"severity_text":"from-body","x":"2"}`,
		},
		{
			name: "any_value_types",
			record: &logspb.LogRecord{Attributes: []*commonpb.KeyValue{
				kv("b", &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: true}}),
				kv("i", &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: -9007199254740993}}),
				kv("d", &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: 1.5}}),
				kv("nan", &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: math.NaN()}}),
				kv("inf", &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: math.Inf(1)}}),
				kv("bytes", &commonpb.AnyValue{Value: &commonpb.AnyValue_BytesValue{BytesValue: []byte{0xAB, 0x01}}}),
				kv("arr", &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{
					Values: []*commonpb.AnyValue{str("a"), {}}}}}),
				kv("map", kvlist(kv("k", str("v")))),
				kv("empty", &commonpb.AnyValue{}),
				kv("unset", nil),
			}},
			want: `{"b":true,"i":-9007199254740993,"d":1.5,"nan":null,"inf":null,"bytes":"ab01",` +
				`"arr":["a",null],"map":{"k":"v"},"empty":null,"unset":null}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			events := Flatten(request(tc.resource, tc.scope, tc.record))
			if len(events) != 1 {
				t.Fatalf("got %d events, want 1", len(events))
			}
			if got := string(events[0]); got != tc.want {
				t.Fatalf("event\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestFlattenManyKeysOverwriteInPlace(t *testing.T) {
	var attrs []*commonpb.KeyValue
	want := `{"body":"b"`
	for i := range 20 {
		k := string(rune('a' + i))
		attrs = append(attrs, kv(k, str(k)))
		want += `,"` + k + `":"` + k + `"`
	}
	attrs = append(attrs, kv("body", str("override")), kv("c", str("C")))
	want = strings.Replace(want, `"body":"b"`, `"body":"override"`, 1)
	want = strings.Replace(want, `"c":"c"`, `"c":"C"`, 1) + "}"
	rec := &logspb.LogRecord{Body: str("b"), Attributes: attrs}
	req := request(nil, nil, rec, rec)
	events := Flatten(req)
	for i, e := range events {
		if string(e) != want {
			t.Fatalf("event %d\n got %s\nwant %s", i, e, want)
		}
	}
}

func TestFlattenEmitsOneEventPerRecordInOrder(t *testing.T) {
	req := &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{
		{ScopeLogs: []*logspb.ScopeLogs{
			{LogRecords: []*logspb.LogRecord{{Body: str("1")}, {Body: str("2")}}},
			{LogRecords: []*logspb.LogRecord{{Body: str("3")}}},
		}},
		{ScopeLogs: []*logspb.ScopeLogs{{LogRecords: []*logspb.LogRecord{{Body: str("4")}}}}},
	}}
	events := Flatten(req)
	if RecordCount(req) != 4 || len(events) != 4 {
		t.Fatalf("RecordCount = %d, events = %d, want 4", RecordCount(req), len(events))
	}
	for i, e := range events {
		want := `{"body":"` + string(rune('1'+i)) + `"}`
		if string(e) != want {
			t.Fatalf("event %d = %s, want %s", i, e, want)
		}
	}
}
