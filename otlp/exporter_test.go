package otlp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"google.golang.org/grpc/credentials"

	"github.com/rsigma-connect/rsigma-connect/internal/certtest"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// emitMalware sends one log record through a LoggerProvider backed by exp and
// flushes it.
func emitMalware(t *testing.T, exp sdklog.Exporter) {
	t.Helper()
	provider := sdklog.NewLoggerProvider(
		sdklog.WithProcessor(sdklog.NewSimpleProcessor(exp)),
		sdklog.WithResource(resource.NewSchemaless(attribute.String("service.name", "test-service"))),
	)
	logger := provider.Logger("sdk-test", otellog.WithInstrumentationVersion("0.1.0"))
	var rec otellog.Record
	rec.SetTimestamp(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC))
	rec.SetSeverity(otellog.SeverityInfo)
	rec.SetSeverityText("INFO")
	rec.SetBody(attribute.MapValue(attribute.String("CommandLine", "malware.exe")))
	rec.AddAttributes(attribute.String("User", "admin"), attribute.Int64("pid", 4242))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	logger.Emit(ctx, rec)
	if err := provider.Shutdown(ctx); err != nil {
		t.Fatalf("exporter shutdown: %v", err)
	}
}

const sdkEvent = `{"timestamp":"2024-05-01T10:00:00.000000000Z","observed_timestamp":"`

func checkSDKEvent(t *testing.T, f *receiverFixture) {
	t.Helper()
	events := f.sink.snapshot()
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1: %q", len(events), events)
	}
	e := events[0]
	wantTail := `"severity_number":9,"severity_text":"INFO","CommandLine":"malware.exe","User":"admin","pid":4242,` +
		`"resource.service.name":"test-service","scope.name":"sdk-test","scope.version":"0.1.0"}`
	if !strings.HasPrefix(e, sdkEvent) || !strings.HasSuffix(e, wantTail) {
		t.Fatalf("event %s\nwant prefix %s and suffix %s", e, sdkEvent, wantTail)
	}
	if f.records() != 1 {
		t.Fatalf("rsigma_otlp_log_records_total = %v, want 1", f.records())
	}
}

func TestSDKExporterOverHTTP(t *testing.T) {
	f := startReceiver(t, nil)
	exp, err := otlploghttp.New(context.Background(),
		otlploghttp.WithEndpoint(f.addr), otlploghttp.WithInsecure(),
		otlploghttp.WithCompression(otlploghttp.GzipCompression))
	if err != nil {
		t.Fatal(err)
	}
	emitMalware(t, exp)
	checkSDKEvent(t, f)
	if f.requests("http", "protobuf") != 1 {
		t.Fatalf("rsigma_otlp_requests_total{http,protobuf} = %v, want 1", f.requests("http", "protobuf"))
	}
}

func TestSDKExporterOverGRPCPlaintextH2C(t *testing.T) {
	f := startReceiver(t, nil)
	exp, err := otlploggrpc.New(context.Background(),
		otlploggrpc.WithEndpoint(f.addr), otlploggrpc.WithInsecure(), otlploggrpc.WithCompressor("gzip"))
	if err != nil {
		t.Fatal(err)
	}
	emitMalware(t, exp)
	checkSDKEvent(t, f)
	if f.requests("grpc", "protobuf") != 1 {
		t.Fatalf("rsigma_otlp_requests_total{grpc,protobuf} = %v, want 1", f.requests("grpc", "protobuf"))
	}
}

func TestSDKExporterOverGRPCWithTLS(t *testing.T) {
	certFile, keyFile, pool := selfSignedFiles(t)
	store, err := server.NewCertStore(server.TLSOptions{CertFile: certFile, KeyFile: keyFile}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	f := startReceiver(t, func(srv *http.Server, ln net.Listener) error {
		return srv.Serve(server.NewTLSListener(ln, store, slog.New(slog.DiscardHandler)))
	})
	exp, err := otlploggrpc.New(context.Background(), otlploggrpc.WithEndpoint(f.addr),
		otlploggrpc.WithTLSCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: "localhost"})))
	if err != nil {
		t.Fatal(err)
	}
	emitMalware(t, exp)
	checkSDKEvent(t, f)
}

func TestGRPCExportOnClosedStreamIsUnavailable(t *testing.T) {
	f := startReceiver(t, nil)
	f.sink.close()
	exp, err := otlploggrpc.New(context.Background(), otlploggrpc.WithEndpoint(f.addr), otlploggrpc.WithInsecure(),
		otlploggrpc.WithRetry(otlploggrpc.RetryConfig{Enabled: false}))
	if err != nil {
		t.Fatal(err)
	}
	var rec otellog.Record
	rec.SetBody(attribute.StringValue("x"))
	err = exp.Export(context.Background(), []sdklog.Record{recordOf(t, rec)})
	if err == nil || !strings.Contains(err.Error(), "Unavailable") || !strings.Contains(err.Error(), "event channel closed") {
		t.Fatalf("export on a closed stream returned %v, want UNAVAILABLE", err)
	}
	_ = exp.Shutdown(context.Background())
	if f.errors("grpc", ReasonChannelClosed) != 1 {
		t.Fatalf("rsigma_otlp_errors_total{grpc,channel_closed} = %v, want 1", f.errors("grpc", ReasonChannelClosed))
	}
}

// recordOf turns an API record into the SDK record an exporter takes, by
// passing it through a provider whose processor captures it.
func recordOf(t *testing.T, rec otellog.Record) sdklog.Record {
	t.Helper()
	capture := &captureProcessor{}
	provider := sdklog.NewLoggerProvider(sdklog.WithProcessor(capture))
	provider.Logger("t").Emit(context.Background(), rec)
	if len(capture.records) != 1 {
		t.Fatal("record was not captured")
	}
	return capture.records[0]
}

type captureProcessor struct{ records []sdklog.Record }

func (p *captureProcessor) OnEmit(_ context.Context, r *sdklog.Record) error {
	p.records = append(p.records, r.Clone())
	return nil
}
func (p *captureProcessor) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }
func (p *captureProcessor) Shutdown(context.Context) error                         { return nil }
func (p *captureProcessor) ForceFlush(context.Context) error                       { return nil }

// selfSignedFiles writes a localhost certificate signed by a test CA and its
// key, and returns their paths and a pool that trusts the CA.
func selfSignedFiles(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	ca := certtest.NewCA(t, "otlp-test-ca")
	leaf := ca.Issue(t, certtest.Leaf{CommonName: "localhost"})
	dir := t.TempDir()
	return certtest.WriteFile(t, dir, "cert.pem", leaf.CertPEM), certtest.WriteFile(t, dir, "key.pem", leaf.KeyPEM(t, "pkcs8")), ca.Pool()
}
