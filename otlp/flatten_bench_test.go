package otlp

import (
	"bytes"
	"context"
	"testing"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/proto"

	"github.com/rsigma-connect/rsigma-connect/server"
)

// BenchmarkDecodeAndFlatten measures the stream decoder on a 100-record
// export request: decoding, flattening and handing each event to a sink
// (which releases it), with a claim on an ingest budget; it reports
// records/sec.
func BenchmarkDecodeAndFlatten(b *testing.B) {
	records := make([]*logspb.LogRecord, 100)
	for i := range records {
		records[i] = &logspb.LogRecord{
			TimeUnixNano: 1714557600000000000 + uint64(i), SeverityNumber: 9, SeverityText: "INFO",
			Body: kvlist(kv("CommandLine", str("powershell.exe -nop -enc SQBFAFgA")), kv("Image", str(`C:\Windows\powershell.exe`))),
			Attributes: []*commonpb.KeyValue{kv("User", str("alice")),
				kv("pid", &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: int64(i)}})},
		}
	}
	body, err := proto.Marshal(request([]*commonpb.KeyValue{kv("service.name", str("bench"))},
		&commonpb.InstrumentationScope{Name: "bench"}, records...))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	budget := server.NewIngestBudget(server.DefaultIngestBudgetBytes)
	events := 0
	sink := func(_ context.Context, _ []byte, hold *server.Hold) error { events++; hold.Release(); return nil }
	for b.Loop() {
		claim := budget.Claim(server.IngestOTLPHTTP)
		d := &delivery{ctx: context.Background(), sink: sink, claim: claim, metrics: NewMetrics()}
		if err := streamProtobuf(bytes.NewReader(body), d); err != nil {
			b.Fatal(err)
		}
		claim.Release()
		if d.records != 100 {
			b.Fatalf("flattened %d records", d.records)
		}
	}
	if budget.Held() != 0 {
		b.Fatalf("%d bytes still held", budget.Held())
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "records/s")
}
