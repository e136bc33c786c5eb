package otlp

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/rsigma-connect/rsigma-connect/internal/poll"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// rejected reads rsigma_ingest_rejected_total{transport,reason} of b.
func rejected(t *testing.T, b *server.IngestBudget, transport, reason string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(b.Collectors()...)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if f.GetName() == "rsigma_ingest_rejected_total" && labels["transport"] == transport && labels["reason"] == reason {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// waitReleased waits until everything held of b is back (a handler
// releases its claim after its response is on the wire).
func waitReleased(t *testing.T, b *server.IngestBudget) {
	t.Helper()
	if !poll.Until(10*time.Second, func() bool { return b.Held() == 0 }) {
		t.Fatalf("%d bytes of the budget still held", b.Held())
	}
}

// recordsBody is a protobuf request of n copies of one small record.
func recordsBody(t *testing.T, n int) []byte {
	t.Helper()
	record := marshal(t, &logspb.LogRecord{SeverityText: "INFO", Body: kvlist(kv("CommandLine", str("whoami /all")))})
	var scope []byte
	for range n {
		scope = field(scope, fieldLogRecords, record)
	}
	return field(nil, fieldResourceLogs, field(nil, fieldScopeLogs, scope))
}

func postLogs(t *testing.T, addr, contentType, encoding string, body []byte) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+LogsPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(answer)
}

func TestPostLogsWithinBudget(t *testing.T) {
	t.Run("gzip_bomb_is_decoded_one_record_at_a_time", func(t *testing.T) {
		// 130k records inflate to 4 MiB and would decode to far more; the
		// stream decoder holds one at a time, so a 1 MiB budget is plenty.
		budget := server.NewIngestBudget(1 << 20)
		f := startBudgetedReceiver(t, nil, budget)
		const n = 130000
		status, _, answer := postLogs(t, f.addr, "application/x-protobuf", "gzip", gzipped(t, recordsBody(t, n)))
		if status != 200 || len(f.sink.snapshot()) != n {
			t.Fatalf("answer %d %q with %d events, want 200 and %d", status, answer, len(f.sink.snapshot()), n)
		}
		waitReleased(t, budget)
	})
	t.Run("spent_budget_is_429_with_retry_after", func(t *testing.T) {
		budget := server.NewIngestBudget(1 << 20)
		f := startBudgetedReceiver(t, nil, budget)
		other := budget.Claim(server.IngestEvents)
		if err := other.Grow(1<<20 - 1024); err != nil {
			t.Fatal(err)
		}
		status, header, answer := postLogs(t, f.addr, "application/x-protobuf", "", protobufBody(t))
		if status != http.StatusTooManyRequests || header.Get("Retry-After") != server.RetryAfterSeconds ||
			answer != `{"error":"`+server.ErrIngestBusy.Error()+`"}` {
			t.Fatalf("answer %d %q Retry-After %q, want 429 with Retry-After", status, answer, header.Get("Retry-After"))
		}
		if len(f.sink.snapshot()) != 0 || rejected(t, budget, server.IngestOTLPHTTP, server.ReasonBudget) != 1 {
			t.Fatalf("%d events delivered, rejected{otlp_http,budget} = %v; want none and 1",
				len(f.sink.snapshot()), rejected(t, budget, server.IngestOTLPHTTP, server.ReasonBudget))
		}
		other.Release()
		if status, _, _ := postLogs(t, f.addr, "application/x-protobuf", "", protobufBody(t)); status != 200 {
			t.Fatalf("once the budget is back: %d, want 200", status)
		}
		waitReleased(t, budget)
	})
	for _, tc := range []struct {
		name, contentType, encoding string
		body                        func(t *testing.T) []byte
	}{
		{"record_larger_than_the_budget_is_413", "application/x-protobuf", "", func(t *testing.T) []byte {
			return marshal(t, request(nil, nil, &logspb.LogRecord{Body: str(strings.Repeat("A", 300<<10))}))
		}},
		{"json_larger_than_the_budget_is_413", "application/json", "", func(t *testing.T) []byte {
			body, err := protojson.Marshal(request(nil, nil, &logspb.LogRecord{Body: str(strings.Repeat("A", 100<<10))}))
			if err != nil {
				t.Fatal(err)
			}
			return body
		}},
		{"inflated_past_32_MiB_is_413", "application/x-protobuf", "gzip", func(t *testing.T) []byte {
			return gzipped(t, marshal(t, request(nil, nil, &logspb.LogRecord{Body: str(strings.Repeat("A", MaxDecompressedBytes))})))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			budget := server.NewIngestBudget(256 << 10)
			if strings.HasPrefix(tc.name, "inflated") {
				budget = server.NewIngestBudget(server.DefaultIngestBudgetBytes)
			}
			f := startBudgetedReceiver(t, nil, budget)
			status, _, answer := postLogs(t, f.addr, tc.contentType, tc.encoding, tc.body(t))
			if status != http.StatusRequestEntityTooLarge || len(f.sink.snapshot()) != 0 {
				t.Fatalf("answer %d %q with %d events, want 413 and none", status, answer, len(f.sink.snapshot()))
			}
			if got := rejected(t, budget, server.IngestOTLPHTTP, server.ReasonTooLarge); got != 1 {
				t.Fatalf("rejected{otlp_http,too_large} = %v, want 1", got)
			}
			waitReleased(t, budget)
		})
	}
}

// TestGRPCWithinBudget: OTLP/gRPC claims what gRPC will hold from the
// message's length prefix, before gRPC reads it.
func TestGRPCWithinBudget(t *testing.T) {
	export := func(t *testing.T, addr string, req *collogspb.ExportLogsServiceRequest, opts ...grpc.CallOption) error {
		t.Helper()
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err = collogspb.NewLogsServiceClient(conn).Export(ctx, req, opts...)
		return err
	}
	records := func(n int) *collogspb.ExportLogsServiceRequest {
		var req collogspb.ExportLogsServiceRequest
		if err := proto.Unmarshal(recordsBody(t, n), &req); err != nil {
			t.Fatal(err)
		}
		return &req
	}
	gzip := grpc.UseCompressor("gzip")

	t.Run("compressed_request_within_the_budget", func(t *testing.T) {
		budget := server.NewIngestBudget(8 << 20)
		f := startBudgetedReceiver(t, nil, budget)
		if err := export(t, f.addr, records(1000), gzip); err != nil {
			t.Fatal(err)
		}
		if len(f.sink.snapshot()) != 1000 || f.requests("grpc", "protobuf") != 1 {
			t.Fatalf("%d events, %v requests counted; want 1000 and 1", len(f.sink.snapshot()), f.requests("grpc", "protobuf"))
		}
		waitReleased(t, budget)
	})
	t.Run("spent_budget_is_resource_exhausted_with_retry_info", func(t *testing.T) {
		budget := server.NewIngestBudget(8 << 20)
		f := startBudgetedReceiver(t, nil, budget)
		other := budget.Claim(server.IngestEvents)
		if err := other.Grow(6 << 20); err != nil {
			t.Fatal(err)
		}
		defer other.Release()
		err := export(t, f.addr, records(10), gzip) // claims the message plus MaxGRPCMessageBytes to inflate it
		st := status.Convert(err)
		var retry *errdetails.RetryInfo
		for _, d := range st.Details() {
			if r, ok := d.(*errdetails.RetryInfo); ok {
				retry = r
			}
		}
		if st.Code() != codes.ResourceExhausted || retry == nil {
			t.Fatalf("status %v, details %v; want RESOURCE_EXHAUSTED with RetryInfo", st, st.Details())
		}
		if len(f.sink.snapshot()) != 0 || rejected(t, budget, server.IngestOTLPGRPC, server.ReasonBudget) != 1 {
			t.Fatalf("%d events; want none and one rejection counted", len(f.sink.snapshot()))
		}
		if err := export(t, f.addr, records(10)); err != nil { // uncompressed: claims only its 300 bytes
			t.Fatalf("an uncompressed request that fits: %v", err)
		}
	})
	t.Run("request_larger_than_the_budget_is_resource_exhausted", func(t *testing.T) {
		budget := server.NewIngestBudget(2 << 20)
		f := startBudgetedReceiver(t, nil, budget)
		st := status.Convert(export(t, f.addr, records(10), gzip))
		if st.Code() != codes.ResourceExhausted || len(st.Details()) != 0 {
			t.Fatalf("status %v, details %v; want RESOURCE_EXHAUSTED without RetryInfo", st, st.Details())
		}
		if got := rejected(t, budget, server.IngestOTLPGRPC, server.ReasonTooLarge); got != 1 {
			t.Fatalf("rejected{otlp_grpc,too_large} = %v, want 1", got)
		}
		waitReleased(t, budget)
	})
}
