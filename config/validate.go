package config

import (
	"net/netip"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/internal/redact"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// Validate checks o against the rules of spec/daemon.md that need no I/O and
// normalises it (the checks that read files or dial servers are the
// daemon's preflight) (e.g. batch size 0 → 1). Every problem is an *ExitError with
// code 3 naming the flag.
func Validate(o *Options) error {
	if len(o.Rules) == 0 {
		return Configf("--rules is required")
	}
	checks := []func(*Options) error{validateInput, validateFormat, validateOutputs, validateNATS, validateAPIAddr, validateThroughput, validateCorrelation, validateFleet}
	for _, check := range checks {
		if err := check(o); err != nil {
			return err
		}
	}
	return nil
}

func validateInput(o *Options) error {
	switch {
	case o.Input == "stdin" || o.Input == "stdin://":
		o.Input = "stdin"
	case o.Input == "http":
	case strings.HasPrefix(o.Input, "nats://"): // checked by validateNATS
	default:
		return Configf("--input %q: unsupported input (want stdin, http or nats://host:port/subject)", redact.URL(o.Input))
	}
	return nil // the format itself: validateFormat
}

func validateOutputs(o *Options) error {
	o.SinkOptions = make([]SinkOptions, len(o.Outputs))
	for i, out := range o.Outputs {
		base, opts, err := splitSinkURL("--output", out, false) // sink_url.go
		if err != nil {
			return err
		}
		norm, err := checkSinkURL("--output", base, opts)
		if err != nil {
			return err
		}
		o.Outputs[i], o.SinkOptions[i] = norm, opts
	}
	if err := validateSinkRetry(o); err != nil {
		return err
	}
	if o.DLQ != "" {
		base, opts, err := splitSinkURL("--dlq", o.DLQ, true)
		if err != nil {
			return err
		}
		norm, err := checkSinkURL("--dlq", base, opts)
		if err != nil {
			return err
		}
		o.DLQOptions = opts
		if norm == "stdout" {
			return Configf("--dlq %q: the DLQ cannot share stdout with the results", redact.URL(o.DLQ))
		}
		o.DLQ = norm
	}
	return nil
}

// checkSinkURL validates one sink URL (options cut off) and returns its
// normal form.
func checkSinkURL(flag, u string, opts SinkOptions) (string, error) {
	if _, _, otlp := OTLPScheme(u); otlp {
		return u, checkOTLPSink(flag, u, opts)
	}
	switch {
	case u == "stdout" || u == "stdout://":
		return "stdout", nil
	case strings.HasPrefix(u, "file://"):
		if FilePath(u) == "" {
			return "", Configf("%s %q: empty file path", flag, redact.URL(u))
		}
		return u, nil
	case strings.HasPrefix(u, "nats://"):
		return checkNATSSink(flag, u)
	}
	return "", Configf("%s %q: unsupported sink (want stdout, file://path, nats://host:port/subject, or otlp://, otlps://, otlphttp://, otlphttps:// host:port)", flag, redact.URL(u))
}

// FilePath returns the path of a file:// sink URL: everything after the
// scheme (file:///var/x → /var/x, file://rel.ndjson → rel.ndjson).
func FilePath(u string) string { return strings.TrimPrefix(u, "file://") }

func validateAPIAddr(o *Options) error {
	if err := validateAPIAuth(o); err != nil { // validate_api.go
		return err
	}
	if path, ok := server.UnixSocketPath(o.APIAddr); ok {
		return validateUnixAPI(o, path)
	}
	if _, err := netip.ParseAddrPort(o.APIAddr); err != nil {
		return Configf("--api-addr %q: want a literal IP:port such as 127.0.0.1:9090 or [::1]:9090, or unix:///path", o.APIAddr)
	}
	return validateTLS(o) // TLS flags and the plaintext refusal rule (validate_tls.go)
}

func validateThroughput(o *Options) error {
	if o.BufferSize < 1 {
		return Configf("--buffer-size %d: must be at least 1", o.BufferSize)
	}
	if o.BatchSize < 0 {
		return Configf("--batch-size %d: must not be negative", o.BatchSize)
	}
	if o.BatchSize == 0 {
		o.BatchSize = 1
	}
	if o.DrainTimeout < 0 {
		return Configf("--drain-timeout: must not be negative")
	}
	return nil
}
