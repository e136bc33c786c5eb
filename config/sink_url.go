package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/internal/redact"
)

// SinkOptions are the `?key=value` options of one sink URL (daemon.md
// §3.2, output.md §8). The zero value is the default of every option.
type SinkOptions struct {
	// Format is "" (the native result JSON, also `ndjson`) or "ocsf".
	Format string
	// OnFull is "block" (default, "" too) or "drop".
	OnFull string
	// OTLP sinks only: TLS files and name, and compression ("gzip").
	CA, ClientCert, ClientKey, TLSDomain, Compression string
}

// OTLP sink schemes and their transport.
var otlpSchemes = map[string]struct {
	protocol string
	tls      bool
}{
	"otlp://": {"grpc", false}, "otlps://": {"grpc", true},
	"otlphttp://": {"http", false}, "otlphttps://": {"http", true},
}

// OTLPScheme returns the protocol ("grpc", "http") and TLS of an OTLP sink
// URL; ok is false for any other URL.
func OTLPScheme(u string) (protocol string, tls, ok bool) {
	for scheme, s := range otlpSchemes {
		if strings.HasPrefix(u, scheme) {
			return s.protocol, s.tls, true
		}
	}
	return "", false, false
}

// OTLPEndpoint is the host:port (and optional path) of an OTLP sink URL.
func OTLPEndpoint(u string) (hostport, path string) {
	rest := u[strings.Index(u, "://")+3:]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[:i], rest[i:]
	}
	return rest, ""
}

// sinkOptionKeys are the options a sink URL may carry.
var sinkOptionKeys = map[string]bool{"format": true, "on_full": true, "ca": true, "client_cert": true,
	"client_key": true, "tls_domain": true, "compression": true}

// splitSinkURL cuts the options off a sink URL and checks them: the URL
// without its query, and the options. dlq says whether the URL is the
// --dlq (which takes no format). Errors name the flag and the option.
func splitSinkURL(flag, u string, dlq bool) (string, SinkOptions, error) {
	var opts SinkOptions
	base, query, hasQuery := strings.Cut(u, "?")
	if !hasQuery {
		return u, opts, nil
	}
	where := fmt.Sprintf("%s %q", flag, redact.URL(base))
	_, _, otlp := OTLPScheme(base)
	seen := map[string]bool{}
	for _, part := range strings.Split(query, "&") {
		if part == "" {
			continue
		}
		rawKey, rawValue, hasValue := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(rawKey)
		value, err2 := url.QueryUnescape(rawValue)
		if err1 != nil || err2 != nil {
			return "", opts, Configf("%s: option %q is not URL-encoded", where, part)
		}
		if !sinkOptionKeys[key] {
			return "", opts, Configf("%s: unknown sink option %q (known: format, on_full, and for OTLP sinks ca, client_cert, client_key, tls_domain, compression)", where, key)
		}
		if seen[key] {
			return "", opts, Configf("%s: option %s may be specified only once", where, key)
		}
		seen[key] = true
		if err := opts.set(key, value, hasValue, otlp, dlq); err != nil {
			return "", opts, Configf("%s: %v", where, err)
		}
	}
	if !otlp && (opts.CA != "" || opts.ClientCert != "" || opts.ClientKey != "" || opts.TLSDomain != "" || opts.Compression != "") {
		return "", opts, Configf("%s: ca, client_cert, client_key, tls_domain and compression are options of OTLP sinks", where)
	}
	if (opts.ClientCert == "") != (opts.ClientKey == "") {
		return "", opts, Configf("%s: client_cert and client_key go together", where)
	}
	return base, opts, nil
}

// set applies one option.
func (o *SinkOptions) set(key, value string, hasValue, otlp, dlq bool) error {
	switch key {
	case "format":
		switch {
		case dlq:
			return fmt.Errorf("format is only supported on findings sinks (--output), not on the DLQ")
		case otlp:
			return fmt.Errorf("format is not supported on OTLP sinks (they send log records)")
		case !hasValue || (value != "ndjson" && value != "ocsf"):
			return fmt.Errorf("Unknown sink format %q (want ndjson or ocsf)", value)
		}
		if value == "ocsf" {
			o.Format = value
		}
	case "on_full":
		if dlq {
			return fmt.Errorf("on_full is an option of --output sinks: the DLQ is written as results fail")
		}
		if value != "block" && value != "drop" {
			return fmt.Errorf("on_full %q: want block or drop", value)
		}
		o.OnFull = value
	case "compression":
		if value != "gzip" && value != "none" {
			return fmt.Errorf("compression %q: want gzip or none", value)
		}
		o.Compression = value
	default: // a file or name of OTLP TLS
		if value == "" {
			return fmt.Errorf("option %s needs a value", key)
		}
		switch key {
		case "ca":
			o.CA = value
		case "client_cert":
			o.ClientCert = value
		case "client_key":
			o.ClientKey = value
		case "tls_domain":
			o.TLSDomain = value
		}
	}
	return nil
}

// checkOTLPSink validates the address of an OTLP sink URL and its TLS
// options (which need otlps:// or otlphttps://).
func checkOTLPSink(flag, u string, opts SinkOptions) error {
	_, tls, _ := OTLPScheme(u)
	hostport, path := OTLPEndpoint(u)
	if _, _, err := net.SplitHostPort(hostport); err != nil || hostport == "" {
		return Configf("%s %q: want host:port after the scheme", flag, redact.URL(u))
	}
	if path != "" && strings.HasPrefix(u, "otlp") && !strings.HasPrefix(u, "otlphttp") {
		return Configf("%s %q: a gRPC OTLP sink takes no path", flag, redact.URL(u))
	}
	if !tls && (opts.CA != "" || opts.ClientCert != "" || opts.TLSDomain != "") {
		return Configf("%s %q: ca, client_cert, client_key and tls_domain need otlps:// or otlphttps://", flag, redact.URL(u))
	}
	return nil
}

// validateSinkRetry checks the retry flags of the sinks.
func validateSinkRetry(o *Options) error {
	switch {
	case o.SinkRetryMax < 0:
		return Configf("--sink-retry-max %d: must not be negative", o.SinkRetryMax)
	case o.SinkBackoffBaseMS < 1:
		return Configf("--sink-backoff-base-ms %d: must be at least 1", o.SinkBackoffBaseMS)
	case o.SinkBackoffMaxMS < o.SinkBackoffBaseMS:
		return Configf("--sink-backoff-max-ms %d: must not be below --sink-backoff-base-ms %d", o.SinkBackoffMaxMS, o.SinkBackoffBaseMS)
	}
	return nil
}
