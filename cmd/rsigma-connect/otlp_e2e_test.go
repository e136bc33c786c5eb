package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

const malwareRule = `title: Test Rule
id: 5f0c7d4e-0000-4000-8000-000000000001
status: test
level: high
logsource:
  category: process_creation
detection:
  selection:
    CommandLine|contains: malware
  condition: selection
`

// sendOTLP emits one log record whose kvlist body carries commandLine
// through a real OpenTelemetry SDK exporter and flushes it.
func sendOTLP(t *testing.T, exp sdklog.Exporter, commandLine string) {
	t.Helper()
	provider := sdklog.NewLoggerProvider(
		sdklog.WithProcessor(sdklog.NewSimpleProcessor(exp)),
		sdklog.WithResource(resource.NewSchemaless(attribute.String("service.name", "test-service"))),
	)
	var rec otellog.Record
	rec.SetTimestamp(time.Now())
	rec.SetSeverityText("INFO")
	rec.SetBody(attribute.MapValue(attribute.String("CommandLine", commandLine)))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	provider.Logger("e2e").Emit(ctx, rec)
	if err := provider.Shutdown(ctx); err != nil {
		t.Fatalf("exporter: %v", err)
	}
}

func waitMetric(t *testing.T, get func() string, sample string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		m := get()
		if strings.Contains(m, sample) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %q:\n%s", sample, m)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDaemonOTLP sends logs with the OpenTelemetry SDK exporters to the
// built binary and expects detections (daemon-acceptance.md §3).
func TestDaemonOTLP(t *testing.T) {
	rules := t.TempDir()
	if err := os.WriteFile(filepath.Join(rules, "malware.yml"), []byte(malwareRule), 0o600); err != nil {
		t.Fatal(err)
	}
	p := newPKI(t)
	p.issue("server", false, 365*24*time.Hour)

	cases := []struct {
		name  string
		tls   bool
		https func(addr string) sdklog.Exporter
		grpc  func(addr string) sdklog.Exporter
	}{
		{
			name: "plaintext_http_gzip_and_h2c_grpc",
			https: func(addr string) sdklog.Exporter {
				exp, _ := otlploghttp.New(context.Background(), otlploghttp.WithEndpoint(addr), otlploghttp.WithInsecure(),
					otlploghttp.WithCompression(otlploghttp.GzipCompression))
				return exp
			},
			grpc: func(addr string) sdklog.Exporter {
				exp, _ := otlploggrpc.New(context.Background(), otlploggrpc.WithEndpoint(addr), otlploggrpc.WithInsecure())
				return exp
			},
		},
		{
			name: "https_and_grpc_over_tls_on_one_port",
			tls:  true,
			https: func(addr string) sdklog.Exporter {
				exp, _ := otlploghttp.New(context.Background(), otlploghttp.WithEndpoint(addr),
					otlploghttp.WithTLSClientConfig(&tls.Config{RootCAs: p.pool, ServerName: "localhost"}))
				return exp
			},
			grpc: func(addr string) sdklog.Exporter {
				exp, _ := otlploggrpc.New(context.Background(), otlploggrpc.WithEndpoint(addr), otlploggrpc.WithCompressor("gzip"),
					otlploggrpc.WithTLSCredentials(credentials.NewTLS(&tls.Config{RootCAs: p.pool, ServerName: "localhost"})))
				return exp
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"engine", "daemon", "-r", rules, "--input", "http", "--api-addr", "127.0.0.1:0"}
			scheme, client := "http", http.DefaultClient
			if tc.tls {
				args = append(args, "--tls-cert", p.path("server.pem"), "--tls-key", p.path("server-key.pem"))
				scheme, client = "https", p.client()
			}
			d := daemontest.Start(t, args...)
			addr := d.APIAddr(10 * time.Second)
			sendOTLP(t, tc.https(addr), "malware-over-http.exe")
			sendOTLP(t, tc.grpc(addr), "malware-over-grpc.exe")

			lines := d.WaitStdoutLines(2, 10*time.Second)
			if len(lines) != 2 {
				t.Fatalf("got %d detections, want 2:\n%s", len(lines), d.Stdout())
			}
			for _, l := range lines {
				if !strings.HasPrefix(l, `{"rule_title":"Test Rule"`) {
					t.Fatalf("unexpected result line %s", l)
				}
			}
			metrics := func() string {
				resp, err := client.Get(scheme + "://" + addr + "/metrics")
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return string(b)
			}
			waitMetric(t, metrics, `rsigma_otlp_requests_total{encoding="protobuf",transport="http"} 1`)
			waitMetric(t, metrics, `rsigma_otlp_requests_total{encoding="protobuf",transport="grpc"} 1`)
			waitMetric(t, metrics, "rsigma_otlp_log_records_total 2")
			waitMetric(t, metrics, "rsigma_detection_matches_total 2")
		})
	}
}

// TestDaemonTLSRotation replaces the certificate files and triggers
// POST /api/v1/reload (nats-and-tls.md §2.3, daemon-acceptance.md #52-53).
func TestDaemonTLSRotation(t *testing.T) {
	p := newPKI(t)
	p.issue("server", false, 30*24*time.Hour)
	d := daemontest.Start(t, "engine", "daemon", "-r", filepath.Join(samplesDir(), "rules"), "--api-addr", "127.0.0.1:0",
		"--tls-cert", p.path("server.pem"), "--tls-key", p.path("server-key.pem"))
	addr := d.APIAddr(10 * time.Second)
	c := p.client()
	metrics := func() string {
		_, body, err := httpsGet(t, c, "https://"+addr+"/metrics")
		if err != nil {
			t.Fatal(err)
		}
		return body
	}
	reload := func() {
		resp, err := c.Post("https://"+addr+"/api/v1/reload", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 && resp.StatusCode != 429 {
			t.Fatalf("POST /api/v1/reload: %s", resp.Status)
		}
	}
	if exp := metricValue(t, metrics(), "rsigma_tls_certificate_expiry_seconds"); exp < 25*86400 || exp > 31*86400 {
		t.Fatalf("initial expiry %v s, want 25..31 days", exp)
	}
	// A connection opened before the rotation must stay usable after it.
	old, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: p.pool, ServerName: "localhost", NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	oldReader := bufio.NewReader(old)
	healthz := func() int {
		if _, err := io.WriteString(old, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
			t.Fatalf("old connection: %v", err)
		}
		resp, err := http.ReadResponse(oldReader, nil)
		if err != nil {
			t.Fatalf("old connection: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if healthz() != 200 {
		t.Fatal("healthz over the first connection failed")
	}

	p.issue("server", false, 365*24*time.Hour)
	reload()
	deadline := time.Now().Add(10 * time.Second)
	for {
		exp := metricValue(t, metrics(), "rsigma_tls_certificate_expiry_seconds")
		if exp > 360*86400 && exp < 366*86400 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("expiry still %v s 10 s after the reload", exp)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code := healthz(); code != 200 {
		t.Fatalf("connection opened before the rotation answered %d", code)
	}
	if cn := old.ConnectionState().PeerCertificates[0].NotAfter; cn.After(time.Now().Add(40 * 24 * time.Hour)) {
		t.Fatal("the old connection reports the new certificate")
	}

	// A corrupt certificate keeps the previous one serving.
	p.write("server.pem", []byte("garbage"))
	reload()
	waitMetric(t, metrics, "rsigma_reloads_failed_total 1")
	fresh, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: p.pool, ServerName: "localhost"})
	if err != nil {
		t.Fatalf("HTTPS broken after a failed rotation: %v", err)
	}
	defer fresh.Close()
	if na := fresh.ConnectionState().PeerCertificates[0].NotAfter; na.Before(time.Now().Add(300 * 24 * time.Hour)) {
		t.Fatalf("after a failed rotation the daemon serves a certificate expiring %v, want the 365-day one", na)
	}
}

// TestDaemonOTLPBesideStdin: OTLP is mounted whatever --input is; with stdin
// the records join the stdin events, and stdin EOF still ends the daemon.
func TestDaemonOTLPBesideStdin(t *testing.T) {
	rules := t.TempDir()
	if err := os.WriteFile(filepath.Join(rules, "malware.yml"), []byte(malwareRule), 0o600); err != nil {
		t.Fatal(err)
	}
	d := daemontest.Start(t, "engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0")
	addr := d.APIAddr(10 * time.Second)
	if _, err := io.WriteString(d.Stdin, `{"CommandLine":"malware-from-stdin.exe"}`+"\n"); err != nil {
		t.Fatal(err)
	}
	exp, err := otlploghttp.New(context.Background(), otlploghttp.WithEndpoint(addr), otlploghttp.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	sendOTLP(t, exp, "malware-over-otlp.exe")
	lines := d.WaitStdoutLines(2, 10*time.Second)
	if len(lines) != 2 {
		t.Fatalf("got %d detections, want 2 (stdin + OTLP):\n%s", len(lines), d.Stdout())
	}
	_ = d.Stdin.Close()
	if code := d.Wait(15 * time.Second); code != 0 {
		t.Fatalf("exit %d after stdin EOF", code)
	}
}

// otlpRequest is daemon-acceptance.md §3's request: service.name
// test-service, one record with severityText INFO and a kvlist body.
func otlpRequest(t *testing.T, commandLine string) (protobuf []byte, json string) {
	t.Helper()
	req := &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{{
		Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{{Key: "service.name",
			Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "test-service"}}}}},
		ScopeLogs: []*logspb.ScopeLogs{{LogRecords: []*logspb.LogRecord{{SeverityText: "INFO",
			Body: &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{
				Values: []*commonpb.KeyValue{{Key: "CommandLine",
					Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: commandLine}}}}}}}}}}},
	}}}
	b, err := proto.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	j, err := protojson.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return b, string(j)
}

// TestDaemonOTLPHTTPAcceptance runs scenarios 33-41 against the binary.
func TestDaemonOTLPHTTPAcceptance(t *testing.T) {
	rules := t.TempDir()
	if err := os.WriteFile(filepath.Join(rules, "malware.yml"), []byte(malwareRule), 0o600); err != nil {
		t.Fatal(err)
	}
	d := daemontest.Start(t, "engine", "daemon", "-r", rules, "--input", "http", "--api-addr", "127.0.0.1:0")
	base := "http://" + d.APIAddr(10*time.Second)
	pb, js := otlpRequest(t, "malware.exe")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(pb)
	_ = zw.Close()
	cases := []struct {
		name, contentType, encoding string
		body                        []byte
		status                      int
		bodyHas                     string
	}{
		{"protobuf_accepted", "application/x-protobuf", "", pb, 200, `"rejectedLogRecords":0`},
		{"json_accepted", "application/json", "", []byte(js), 200, `"rejectedLogRecords":0`},
		{"gzip_protobuf_accepted", "application/x-protobuf", "gzip", gz.Bytes(), 200, `"rejectedLogRecords":0`},
		{"text_plain_is_415", "text/plain", "", []byte("x"), 415, "unsupported content-type: text/plain"},
		{"malformed_protobuf_is_400", "application/x-protobuf", "", []byte{0xff, 0xff}, 400, "protobuf decode error"},
		{"malformed_json_is_400", "application/json", "", []byte("{nope"), 400, "JSON decode error"},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(http.MethodPost, base+"/v1/logs", bytes.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.contentType)
		if tc.encoding != "" {
			req.Header.Set("Content-Encoding", tc.encoding)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.bodyHas) {
			t.Errorf("%s: %d %s, want %d containing %q", tc.name, resp.StatusCode, body, tc.status, tc.bodyHas)
		}
	}
	if lines := d.WaitStdoutLines(3, 10*time.Second); len(lines) != 3 {
		t.Fatalf("3 accepted requests gave %d detections:\n%s", len(lines), d.Stdout())
	}
	metrics := func() string { _, b := daemontest.Get(t, base+"/metrics"); return b }
	waitMetric(t, metrics, `rsigma_otlp_requests_total{encoding="protobuf",transport="http"} 2`)
	waitMetric(t, metrics, `rsigma_otlp_requests_total{encoding="json",transport="http"} 1`)
	waitMetric(t, metrics, "rsigma_otlp_log_records_total 3")
	waitMetric(t, metrics, `rsigma_otlp_errors_total{reason="decode",transport="http"} 2`)
	waitMetric(t, metrics, `rsigma_otlp_errors_total{reason="unsupported_content_type",transport="http"} 1`)
	waitMetric(t, metrics, "rsigma_detection_matches_total 3")
}
