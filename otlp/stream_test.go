package otlp

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/rsigma-connect/rsigma-connect/server"
)

// streamed runs streamProtobuf over body and returns the events it
// delivered, checking that the budget is whole again afterwards.
func streamed(t *testing.T, body []byte) ([]string, error) {
	t.Helper()
	budget := server.NewIngestBudget(server.DefaultIngestBudgetBytes)
	claim := budget.Claim(server.IngestOTLPHTTP)
	var events []string
	d := &delivery{ctx: context.Background(), claim: claim, metrics: NewMetrics(),
		sink: func(_ context.Context, event []byte, hold *server.Hold) error {
			events = append(events, string(event))
			hold.Release()
			return nil
		}}
	err := streamProtobuf(bytes.NewReader(body), d)
	claim.Release()
	if budget.Held() != 0 {
		t.Fatalf("%d bytes of the budget still held after the request", budget.Held())
	}
	return events, err
}

// unmarshalled is what decoding body whole and flattening it gives.
func unmarshalled(body []byte) ([]string, error) {
	var req collogspb.ExportLogsServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		return nil, err
	}
	var events []string
	for _, e := range Flatten(&req) {
		events = append(events, string(e))
	}
	return events, nil
}

// field appends field num of length-delimited value v to b.
func field(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func marshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStreamProtobufMatchesUnmarshal(t *testing.T) {
	rec := func(cmd string) *logspb.LogRecord {
		return &logspb.LogRecord{TimeUnixNano: 1714557600000000000, SeverityText: "INFO", TraceId: []byte{1, 2},
			Body: kvlist(kv("CommandLine", str(cmd))), Attributes: []*commonpb.KeyValue{kv("pid", str("7"))}}
	}
	resource := marshal(t, &resourcepb.Resource{Attributes: []*commonpb.KeyValue{kv("service.name", str("a"))}})
	host := marshal(t, &resourcepb.Resource{Attributes: []*commonpb.KeyValue{kv("host.name", str("h"))}})
	scope := marshal(t, &commonpb.InstrumentationScope{Name: "lib", Version: "1"})
	record := marshal(t, rec("whoami"))

	var unknown []byte // every wire type, at every level the decoder walks
	unknown = protowire.AppendTag(unknown, 90, protowire.VarintType)
	unknown = protowire.AppendVarint(unknown, 300)
	unknown = protowire.AppendTag(unknown, 91, protowire.Fixed32Type)
	unknown = protowire.AppendFixed32(unknown, 1)
	unknown = protowire.AppendTag(unknown, 92, protowire.Fixed64Type)
	unknown = protowire.AppendFixed64(unknown, 1)
	unknown = field(unknown, 93, []byte("skipped"))
	unknown = protowire.AppendTag(unknown, 94, protowire.StartGroupType)
	unknown = protowire.AppendTag(unknown, 1, protowire.VarintType)
	unknown = protowire.AppendVarint(unknown, 1)
	unknown = protowire.AppendTag(unknown, 94, protowire.EndGroupType)

	scopeLogs := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	cases := map[string][]byte{
		"sdk_request": marshal(t, request([]*commonpb.KeyValue{kv("service.name", str("a"))},
			&commonpb.InstrumentationScope{Name: "lib"}, rec("a"), rec("b"))),
		"several_resources_and_scopes": append(
			field(nil, fieldResourceLogs, scopeLogs(field(nil, fieldResource, resource),
				field(nil, fieldScopeLogs, scopeLogs(field(nil, fieldScope, scope), field(nil, fieldLogRecords, record))),
				field(nil, fieldScopeLogs, field(nil, fieldLogRecords, record)))),
			field(nil, fieldResourceLogs, scopeLogs(field(nil, fieldResource, host),
				field(nil, fieldScopeLogs, field(nil, fieldLogRecords, record))))...),
		"repeated_resource_is_merged": field(nil, fieldResourceLogs, scopeLogs(
			field(nil, fieldResource, resource), field(nil, fieldResource, host),
			field(nil, fieldScopeLogs, field(nil, fieldLogRecords, record)))),
		"unknown_fields_everywhere": scopeLogs(unknown, field(nil, fieldResourceLogs, scopeLogs(unknown,
			field(nil, fieldResource, resource), unknown,
			field(nil, fieldScopeLogs, scopeLogs(unknown, field(nil, fieldScope, scope), unknown,
				field(nil, fieldLogRecords, record), unknown)))), unknown),
		"no_resource_or_scope": field(nil, fieldResourceLogs, field(nil, fieldScopeLogs, field(nil, fieldLogRecords, record))),
		"empty_request":        nil,
		"empty_records":        field(nil, fieldResourceLogs, field(nil, fieldScopeLogs, field(field(nil, fieldLogRecords, nil), fieldLogRecords, nil))),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			want, err := unmarshalled(body)
			if err != nil {
				t.Fatal(err)
			}
			got, err := streamed(t, body)
			if err != nil || strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("stream decoder: %v\n got %q\nwant %q", err, got, want)
			}
		})
	}
}

func TestStreamProtobufRefuses(t *testing.T) {
	resource := marshal(t, &resourcepb.Resource{Attributes: []*commonpb.KeyValue{kv("service.name", str("a"))}})
	record := marshal(t, &logspb.LogRecord{SeverityText: "INFO"})
	valid := field(nil, fieldResourceLogs, field(nil, fieldScopeLogs, field(nil, fieldLogRecords, record)))
	for _, tc := range []struct {
		name, wantErr string
		body          []byte
		wantEvents    int
	}{
		{name: "resource_after_its_records", wantErr: "resource_logs.resource after the first record", wantEvents: 1,
			body: field(nil, fieldResourceLogs, append(field(nil, fieldScopeLogs, field(nil, fieldLogRecords, record)),
				field(nil, fieldResource, resource)...))},
		{name: "truncated", wantErr: "unexpected end of message", body: valid[:len(valid)-1]},
		{name: "length_past_its_message", wantErr: "runs past its message",
			body: field(nil, fieldResourceLogs, []byte{byte(fieldScopeLogs<<3 | 2), 100})},
		{name: "invalid_utf8_in_a_record", wantErr: "log record 1",
			body: field(nil, fieldResourceLogs, field(nil, fieldScopeLogs, field(nil, fieldLogRecords,
				field(nil, 3, []byte{0xff}))))}, // severity_text
		{name: "garbage", wantErr: "protobuf decode error", body: []byte{0xff, 0xff, 0xff}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			events, err := streamed(t, tc.body)
			var dErr *decodeError
			if !errors.As(err, &dErr) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want a decode error with %q", err, tc.wantErr)
			}
			if len(events) != tc.wantEvents {
				t.Fatalf("%d events delivered before the error, want %d", len(events), tc.wantEvents)
			}
		})
	}
}

// FuzzStreamProtobuf: on any input the stream decoder delivers exactly what
// decoding whole and flattening gives, or fails where decoding whole fails
// too; the one exception is a resource or scope after the records it
// describes, which it refuses.
func FuzzStreamProtobuf(f *testing.F) {
	f.Add(marshal(&testing.T{}, request([]*commonpb.KeyValue{kv("service.name", str("a"))},
		&commonpb.InstrumentationScope{Name: "lib"}, &logspb.LogRecord{Body: str("x")})))
	f.Add([]byte{0x0a, 0x04, 0x12, 0x02, 0x12, 0x00})
	f.Fuzz(func(t *testing.T, body []byte) {
		want, wantErr := unmarshalled(body)
		got, err := streamed(t, body)
		switch {
		case err != nil && strings.Contains(err.Error(), "after the first record"):
		case wantErr != nil && err == nil:
			t.Fatalf("stream decoder accepted what proto.Unmarshal refuses (%v): %q", wantErr, got)
		case wantErr == nil && err != nil:
			t.Fatalf("stream decoder refused what proto.Unmarshal accepts: %v", err)
		case wantErr == nil && strings.Join(got, "\n") != strings.Join(want, "\n"):
			t.Fatalf("events differ\n got %q\nwant %q", got, want)
		}
	})
}
