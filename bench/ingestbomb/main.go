// Command ingestbomb sends concurrent OTLP log exports whose gzip bodies
// inflate to many times their size ("gzip bombs") to a running daemon, while
// probing /healthz, and prints what each request got back and how /healthz
// fared. Peak memory is the daemon's to report (bench/ingest-attack.sh reads
// its VmHWM).
//
//	go run ./bench/ingestbomb -addr 127.0.0.1:9090 -n 16 -shape records
//
// Shapes (every body inflates to just under -size bytes):
//
//	records  log records with a small kvlist body, the OTel SDK's shape
//	empty    empty log records (two bytes each on the wire: the most
//	         objects per inflated byte)
//	body     one log record whose string body fills the message
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/gzip" // gzip message compression for -transport grpc
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/rsigma-connect/rsigma-connect/internal/healthprobe"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9090", "the daemon's --api-addr")
	n := flag.Int("n", 16, "concurrent requests")
	rounds := flag.Int("rounds", 1, "requests per sender, one after the other")
	shape := flag.String("shape", "records", "records | empty | body")
	size := flag.Int("size", 32<<20-1024, "inflated message bytes")
	transport := flag.String("transport", "http", "http (POST /v1/logs) | grpc (LogsService/Export)")
	flag.Parse()

	msg, err := message(*shape, *size)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	body := gzipped(msg)
	fmt.Printf("shape=%s transport=%s inflated=%d gzip=%d concurrent=%d rounds=%d\n",
		*shape, *transport, len(msg), len(body), *n, *rounds)

	send := httpSender(*addr, body)
	if *transport == "grpc" {
		send, err = grpcSender(*addr, msg)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}

	probe := healthprobe.Start("http://"+*addr, 100*time.Millisecond)
	start := time.Now()
	var (
		mu      sync.Mutex
		answers = map[string]int{}
		wg      sync.WaitGroup
	)
	for i := 0; i < *n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < *rounds; r++ {
				a := send()
				mu.Lock()
				answers[a]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	health := probe.Stop()

	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("answer %-60s x%d\n", k, answers[k])
	}
	fmt.Printf("attack took %.1fs\n", elapsed.Seconds())
	fmt.Println(health)
}

// message builds one ExportLogsServiceRequest of about size bytes.
func message(shape string, size int) ([]byte, error) {
	var record []byte
	switch shape {
	case "records":
		rec := &logspb.LogRecord{SeverityText: "INFO", Body: &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{
			KvlistValue: &commonpb.KeyValueList{Values: []*commonpb.KeyValue{{Key: "CommandLine",
				Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "whoami /all"}}}}}}}}
		b, err := proto.Marshal(rec)
		if err != nil {
			return nil, err
		}
		record = b
	case "empty":
		record = []byte{}
	case "body":
		rec := &logspb.LogRecord{Body: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{
			StringValue: string(bytes.Repeat([]byte("A"), size-64))}}}
		b, err := proto.Marshal(rec)
		if err != nil {
			return nil, err
		}
		record = b
	default:
		return nil, fmt.Errorf("unknown shape %q", shape)
	}
	// ScopeLogs{log_records: record, record, ...} inside one ResourceLogs.
	var scope []byte
	for len(scope)+len(record)+16 < size-32 {
		scope = protowire.AppendTag(scope, 2, protowire.BytesType)
		scope = protowire.AppendBytes(scope, record)
		if shape == "body" {
			break
		}
	}
	var resource []byte
	resource = protowire.AppendTag(resource, 2, protowire.BytesType)
	resource = protowire.AppendBytes(resource, scope)
	var req []byte
	req = protowire.AppendTag(req, 1, protowire.BytesType)
	req = protowire.AppendBytes(req, resource)
	return req, nil
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

func httpSender(addr string, body []byte) func() string {
	client := &http.Client{Timeout: 10 * time.Minute}
	return func() string {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/logs", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-protobuf")
		req.Header.Set("Content-Encoding", "gzip")
		resp, err := client.Do(req)
		if err != nil {
			return "error: " + err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			return fmt.Sprintf("%d (Retry-After %s) %s", resp.StatusCode, ra, firstLine(b))
		}
		return fmt.Sprintf("%d %s", resp.StatusCode, firstLine(b))
	}
}

// rawCodec sends already-encoded protobuf bytes.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return v.([]byte), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

var _ encoding.Codec = rawCodec{}

func grpcSender(addr string, msg []byte) (func() string, error) {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{}), grpc.UseCompressor("gzip"),
			grpc.MaxCallSendMsgSize(64<<20)))
	if err != nil {
		return nil, err
	}
	return func() string {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		var out []byte
		err := conn.Invoke(ctx, "/opentelemetry.proto.collector.logs.v1.LogsService/Export", msg, &out)
		if err != nil {
			return "grpc error: " + firstLine([]byte(err.Error()))
		}
		return "grpc OK"
	}, nil
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	if len(b) > 120 {
		b = b[:120]
	}
	return string(b)
}
