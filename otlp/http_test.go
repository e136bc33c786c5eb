package otlp

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/proto"
)

func malwareRequest() *collogspb.ExportLogsServiceRequest {
	return request(
		[]*commonpb.KeyValue{kv("service.name", str("test-service"))}, nil,
		&logspb.LogRecord{SeverityText: "INFO", Body: kvlist(kv("CommandLine", str("malware.exe")))},
	)
}

func protobufBody(t *testing.T) []byte {
	t.Helper()
	body, err := proto.Marshal(malwareRequest())
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(data)
	_ = zw.Close()
	return buf.Bytes()
}

const jsonBody = `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"test-service"}}]},` +
	`"scopeLogs":[{"scope":{"name":"lib"},"logRecords":[{"timeUnixNano":"1714557600000000000","severityNumber":9,` +
	`"severityText":"INFO","traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",` +
	`"body":{"kvlistValue":{"values":[{"key":"CommandLine","value":{"stringValue":"malware.exe"}}]}},` +
	`"attributes":[{"key":"pid","value":{"intValue":"4242"}}],"futureField":1}]}]}]}`

const malwareEvent = `{"severity_text":"INFO","CommandLine":"malware.exe","resource.service.name":"test-service"}`

func TestPostLogs(t *testing.T) {
	cases := []struct {
		name        string
		method      string
		contentType string
		encoding    string
		accept      string
		body        []byte
		closeSink   bool
		wantStatus  int
		wantBody    string
		wantEvents  []string
		wantMetric  [3]string // kind, label1, label2 of the counter that must read 1
	}{
		{
			name: "protobuf_is_accepted_and_flattened", contentType: "application/x-protobuf",
			body: protobufBody(t), wantStatus: 200, wantBody: successJSON,
			wantEvents: []string{malwareEvent}, wantMetric: [3]string{"requests", "http", "protobuf"},
		},
		{
			name: "missing_content_type_means_protobuf", body: protobufBody(t), wantStatus: 200,
			wantBody: successJSON, wantEvents: []string{malwareEvent}, wantMetric: [3]string{"requests", "http", "protobuf"},
		},
		{
			name: "application_protobuf_is_accepted", contentType: "application/protobuf",
			body: protobufBody(t), wantStatus: 200, wantBody: successJSON,
			wantEvents: []string{malwareEvent}, wantMetric: [3]string{"requests", "http", "protobuf"},
		},
		{
			name: "json_with_hex_ids_is_accepted", contentType: "application/json; charset=utf-8",
			body: []byte(jsonBody), wantStatus: 200, wantBody: successJSON,
			wantEvents: []string{`{"timestamp":"2024-05-01T10:00:00.000000000Z","severity_number":9,"severity_text":"INFO",` +
				`"CommandLine":"malware.exe","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174",` +
				`"pid":4242,"resource.service.name":"test-service","scope.name":"lib"}`},
			wantMetric: [3]string{"requests", "http", "json"},
		},
		{
			name: "gzip_protobuf_is_accepted", contentType: "application/x-protobuf", encoding: "gzip",
			body: gzipped(t, protobufBody(t)), wantStatus: 200, wantBody: successJSON,
			wantEvents: []string{malwareEvent}, wantMetric: [3]string{"requests", "http", "protobuf"},
		},
		{
			name: "accept_protobuf_gets_protobuf_response", contentType: "application/x-protobuf",
			accept: "application/x-protobuf", body: protobufBody(t), wantStatus: 200, wantBody: "",
			wantEvents: []string{malwareEvent}, wantMetric: [3]string{"requests", "http", "protobuf"},
		},
		{
			name: "text_plain_is_415", contentType: "text/plain", body: []byte("x"), wantStatus: 415,
			wantBody:   `{"error":"unsupported content-type: text/plain (expected application/x-protobuf or application/json)"}`,
			wantMetric: [3]string{"errors", "http", ReasonUnsupportedContentType},
		},
		{
			name: "malformed_protobuf_is_400", contentType: "application/x-protobuf", body: []byte{0xff, 0xff, 0xff},
			wantStatus: 400, wantBody: `{"error":"protobuf decode error:`, wantMetric: [3]string{"errors", "http", ReasonDecode},
		},
		{
			name: "malformed_json_is_400", contentType: "application/json", body: []byte(`{"resourceLogs":[`),
			wantStatus: 400, wantBody: `{"error":"JSON decode error:`, wantMetric: [3]string{"errors", "http", ReasonDecode},
		},
		{
			name: "bad_gzip_is_400", contentType: "application/x-protobuf", encoding: "gzip", body: []byte("not gzip"),
			wantStatus: 400, wantBody: `{"error":"decompression error:`, wantMetric: [3]string{"errors", "http", ReasonDecompression},
		},
		{
			name: "body_over_2_MiB_is_413", contentType: "application/x-protobuf", body: make([]byte, MaxBodyBytes+1),
			wantStatus: 413, wantBody: "request body too large",
		},
		{
			name: "closed_stream_is_503", contentType: "application/x-protobuf", body: protobufBody(t), closeSink: true,
			wantStatus: 503, wantBody: `{"error":"event channel closed"}`, wantMetric: [3]string{"errors", "http", ReasonChannelClosed},
		},
		{
			name: "get_is_405", method: http.MethodGet, wantStatus: 405, wantBody: "",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := startReceiver(t, nil)
			if tc.closeSink {
				f.sink.close()
			}
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req, _ := http.NewRequest(method, "http://"+f.addr+LogsPath, bytes.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			if tc.encoding != "" {
				req.Header.Set("Content-Encoding", tc.encoding)
			}
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus || !strings.HasPrefix(string(body), tc.wantBody) {
				t.Fatalf("answer %d %q, want %d %q", resp.StatusCode, body, tc.wantStatus, tc.wantBody)
			}
			if tc.accept != "" {
				var out collogspb.ExportLogsServiceResponse
				if resp.Header.Get("Content-Type") != "application/x-protobuf" || proto.Unmarshal(body, &out) != nil {
					t.Fatalf("protobuf response expected, got %q %q", resp.Header.Get("Content-Type"), body)
				}
			}
			if got := f.sink.snapshot(); strings.Join(got, "\n") != strings.Join(tc.wantEvents, "\n") {
				t.Fatalf("events\n got %q\nwant %q", got, tc.wantEvents)
			}
			wantRecords := float64(len(tc.wantEvents))
			if tc.closeSink {
				wantRecords = 1 // counted when decoded, before the refused enqueue
			}
			if f.records() != wantRecords {
				t.Fatalf("rsigma_otlp_log_records_total = %v, want %v", f.records(), wantRecords)
			}
			switch tc.wantMetric[0] {
			case "requests":
				if v := f.requests(tc.wantMetric[1], tc.wantMetric[2]); v != 1 {
					t.Fatalf("rsigma_otlp_requests_total%v = %v, want 1", tc.wantMetric[1:], v)
				}
			case "errors":
				if v := f.errors(tc.wantMetric[1], tc.wantMetric[2]); v != 1 {
					t.Fatalf("rsigma_otlp_errors_total%v = %v, want 1", tc.wantMetric[1:], v)
				}
			}
		})
	}
}
