package daemon

import (
	"os"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/internal/redact"
	"github.com/rsigma-connect/rsigma-connect/sink"
)

// preflightSinks opens every file sink (--output and --dlq) for appending,
// creating it if missing, and reads the TLS files of every OTLP sink, so
// that an unwritable sink or an unreadable certificate is a startup error
// (exit 3) rather than a stream of delivery failures.
func preflightSinks(o *config.Options) error {
	if err := preflightOTLPSinks(o); err != nil {
		return err
	}
	urls := append([]string{o.DLQ}, o.Outputs...)
	for _, u := range urls {
		if !strings.HasPrefix(u, "file://") {
			continue
		}
		f, err := os.OpenFile(config.FilePath(u), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return config.Configf("sink %s: %v", u, err)
		}
		_ = f.Close()
	}
	return nil
}

// preflightOTLPSinks reads the ?ca=, ?client_cert= and ?client_key= files
// of every OTLP --output as its sink will (an error names the flag, the
// sink and the file). o has been validated (config.Validate cut the
// options off the URLs).
func preflightOTLPSinks(o *config.Options) error {
	for i, u := range o.Outputs {
		_, tls, otlp := config.OTLPScheme(u)
		if !otlp || i >= len(o.SinkOptions) {
			continue
		}
		opts := o.SinkOptions[i]
		c := sink.OTLPConfig{TLS: tls, CAFile: opts.CA, CertFile: opts.ClientCert, KeyFile: opts.ClientKey}
		if _, err := c.TLSConfig(); err != nil {
			return config.Configf("--output %s: %v", redact.URL(u), err)
		}
	}
	return nil
}
