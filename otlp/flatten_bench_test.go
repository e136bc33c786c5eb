package otlp

import (
	"testing"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/proto"
)

// BenchmarkDecodeAndFlatten measures protobuf decoding plus flattening of a
// 100-record export request; it reports records/sec.
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
	for b.Loop() {
		req, err := decodeProtobuf(body)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(Flatten(req)); n != 100 {
			b.Fatalf("flattened %d records", n)
		}
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "records/s")
}
