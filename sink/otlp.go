package sink

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"google.golang.org/grpc/credentials"
)

// OTLPOutputName is the name of the OTLP log sink.
const OTLPOutputName = "sigma_otlp"

// OTLPSpec is the config spec of the sigma_otlp output.
func OTLPSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Categories("Services").
		Summary("Sends each result as one OTLP log record, over gRPC or HTTP, with the OpenTelemetry exporters.").
		Description("Records carry resource `service.name=rsigma`, scope `rsigma`, time and observed time of sending, "+
			"the rule title as body, the severity of the rule's level (critical FATAL 21, high ERROR 17, medium "+
			"WARN 13, low INFO 9, informational DEBUG 5) and every top-level key of the result as an attribute. "+
			"A batch is one export request; a failed export fails the batch (the exporters' own retries are off: "+
			"`sigma_sink` retries).").
		Fields(
			service.NewStringField("endpoint").Description("host:port of the OTLP receiver."),
			service.NewStringEnumField("protocol", "grpc", "http").Default("grpc"),
			service.NewBoolField("tls").Default(false).Description("Use TLS (verified against `ca_file`, else the system roots)."),
			service.NewStringField("ca_file").Default("").Description("PEM CA bundle that signs the receiver's certificate."),
			service.NewStringField("cert_file").Default("").Description("PEM client certificate (mutual TLS), with `key_file`."),
			service.NewStringField("key_file").Default(""),
			service.NewStringField("server_name").Default("").Description("Name to verify the receiver's certificate for, when not the endpoint's host."),
			service.NewStringEnumField("compression", "none", "gzip").Default("none"),
			service.NewStringField("url_path").Default("").Description("HTTP only: the path logs are posted to (default /v1/logs)."),
			service.NewDurationField("timeout").Default("10s").Description("Bound of one export."),
		)
}

// RegisterOTLP registers the sigma_otlp output on env.
func RegisterOTLP(env *service.Environment) error {
	return env.RegisterBatchOutput(OTLPOutputName, OTLPSpec(),
		func(conf *service.ParsedConfig, _ *service.Resources) (service.BatchOutput, service.BatchPolicy, int, error) {
			o, err := newOTLPOutput(conf)
			return o, service.BatchPolicy{}, 1, err
		})
}

// OTLPOutput is the sigma_otlp output.
type OTLPOutput struct {
	exporter sdklog.Exporter
	timeout  time.Duration
	provider *sdklog.LoggerProvider
	logger   otellog.Logger
	emitted  *recordCollector
	mu       sync.Mutex // one export at a time: the collector holds one batch
}

// OTLPConfig is what sigma_otlp sends to, for callers outside a stream.
type OTLPConfig struct {
	Endpoint, Protocol                    string
	TLS                                   bool
	CAFile, CertFile, KeyFile, ServerName string
	Compression, URLPath                  string
	Timeout                               time.Duration
}

func newOTLPOutput(conf *service.ParsedConfig) (*OTLPOutput, error) {
	var c OTLPConfig
	var err error
	for field, dst := range map[string]*string{"endpoint": &c.Endpoint, "protocol": &c.Protocol, "ca_file": &c.CAFile,
		"cert_file": &c.CertFile, "key_file": &c.KeyFile, "server_name": &c.ServerName, "compression": &c.Compression, "url_path": &c.URLPath} {
		if *dst, err = conf.FieldString(field); err != nil {
			return nil, err
		}
	}
	if c.TLS, err = conf.FieldBool("tls"); err != nil {
		return nil, err
	}
	if c.Timeout, err = conf.FieldDuration("timeout"); err != nil {
		return nil, err
	}
	return NewOTLPOutput(c)
}

// NewOTLPOutput builds an OTLP log sink; it reads the TLS files at once
// (an error names the file) and connects on the first export.
func NewOTLPOutput(c OTLPConfig) (*OTLPOutput, error) {
	tlsConf, err := c.TLSConfig()
	if err != nil {
		return nil, err
	}
	exp, err := c.exporter(tlsConf)
	if err != nil {
		return nil, err
	}
	o := &OTLPOutput{exporter: exp, timeout: c.Timeout, emitted: &recordCollector{}}
	o.provider = sdklog.NewLoggerProvider(
		sdklog.WithResource(resource.NewSchemaless(attribute.String("service.name", "rsigma"))),
		sdklog.WithProcessor(o.emitted))
	o.logger = o.provider.Logger("rsigma", otellog.WithInstrumentationVersion(moduleVersion()))
	return o, nil
}

// TLSConfig is the client TLS configuration of c; nil without TLS.
func (c OTLPConfig) TLSConfig() (*tls.Config, error) {
	if !c.TLS {
		return nil, nil
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.ServerName}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ca %s: %w", c.CAFile, err)
		}
		conf.RootCAs = x509.NewCertPool()
		if !conf.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca %s: no PEM certificate in it", c.CAFile)
		}
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return nil, errors.New("client_cert and client_key go together")
	}
	if c.CertFile != "" {
		pair, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("client certificate %s / key %s: %w", c.CertFile, c.KeyFile, err)
		}
		conf.Certificates = []tls.Certificate{pair}
	}
	return conf, nil
}

// exporter builds the gRPC or HTTP exporter, its own retries off.
func (c OTLPConfig) exporter(tlsConf *tls.Config) (sdklog.Exporter, error) {
	ctx := context.Background()
	if c.Protocol == "http" {
		opts := []otlploghttp.Option{otlploghttp.WithEndpoint(c.Endpoint), otlploghttp.WithTimeout(c.Timeout),
			otlploghttp.WithRetry(otlploghttp.RetryConfig{Enabled: false})}
		if tlsConf == nil {
			opts = append(opts, otlploghttp.WithInsecure())
		} else {
			opts = append(opts, otlploghttp.WithTLSClientConfig(tlsConf))
		}
		if c.Compression == "gzip" {
			opts = append(opts, otlploghttp.WithCompression(otlploghttp.GzipCompression))
		}
		if c.URLPath != "" {
			opts = append(opts, otlploghttp.WithURLPath(c.URLPath))
		}
		return otlploghttp.New(ctx, opts...)
	}
	opts := []otlploggrpc.Option{otlploggrpc.WithEndpoint(c.Endpoint), otlploggrpc.WithTimeout(c.Timeout),
		otlploggrpc.WithRetry(otlploggrpc.RetryConfig{Enabled: false})}
	if tlsConf == nil {
		opts = append(opts, otlploggrpc.WithInsecure())
	} else {
		opts = append(opts, otlploggrpc.WithTLSCredentials(credentials.NewTLS(tlsConf)))
	}
	if c.Compression == "gzip" {
		opts = append(opts, otlploggrpc.WithCompressor("gzip"))
	}
	return otlploggrpc.New(ctx, opts...)
}

// moduleVersion is the binary's module version, the scope version.
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// Connect implements service.BatchOutput; the exporter connects on use.
func (o *OTLPOutput) Connect(context.Context) error { return nil }

// WriteBatch exports the batch's results as one request.
func (o *OTLPOutput) WriteBatch(ctx context.Context, batch service.MessageBatch) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	o.emitted.reset()
	for _, m := range batch {
		raw, err := m.AsBytes()
		if err != nil {
			return err
		}
		rec, err := resultRecord(raw, now)
		if err != nil {
			return fmt.Errorf("otlp sink: %w", err)
		}
		o.logger.Emit(ctx, rec)
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := o.exporter.Export(ctx, o.emitted.take()); err != nil {
		return fmt.Errorf("otlp sink: %w", err)
	}
	return nil
}

// Close shuts the exporter down.
func (o *OTLPOutput) Close(ctx context.Context) error {
	_ = o.provider.Shutdown(ctx)
	return o.exporter.Shutdown(ctx)
}

// recordCollector is the logger provider's processor: it keeps what the
// logger emits (with resource and scope filled in) for the next export.
type recordCollector struct {
	mu      sync.Mutex
	records []sdklog.Record
}

func (c *recordCollector) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }

func (c *recordCollector) OnEmit(_ context.Context, r *sdklog.Record) error {
	c.mu.Lock()
	c.records = append(c.records, r.Clone())
	c.mu.Unlock()
	return nil
}

func (c *recordCollector) reset() {
	c.mu.Lock()
	c.records = c.records[:0]
	c.mu.Unlock()
}

func (c *recordCollector) take() []sdklog.Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.records
}

func (c *recordCollector) Shutdown(context.Context) error   { return nil }
func (c *recordCollector) ForceFlush(context.Context) error { return nil }
