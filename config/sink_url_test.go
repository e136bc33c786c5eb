package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// Scenario 82 and the sink URL options: what is accepted, what is exit 3
// and with which message.
func TestSinkURLOptions(t *testing.T) {
	cases := []struct {
		name    string
		outputs []string
		dlq     string
		want    string // "" means accepted
	}{
		{"ndjson is the default format", []string{"file://DIR/r.ndjson?format=ndjson"}, "", ""},
		{"ocsf on a file", []string{"file://DIR/r.ocsf?format=ocsf"}, "", ""},
		{"ocsf on stdout", []string{"stdout?format=ocsf"}, "", ""},
		{"ocsf on stdout://", []string{"stdout://?format=ocsf"}, "", ""},
		{"ocsf on nats", []string{"nats://127.0.0.1:4222/findings?format=ocsf"}, "", ""},
		{"on_full drop", []string{"file://DIR/r.ndjson?on_full=drop"}, "", ""},
		{"on_full block", []string{"file://DIR/r.ndjson?on_full=block"}, "", ""},
		{"bogus format", []string{"file://DIR/r.ndjson?format=bogus"}, "", "Unknown sink format"},
		{"bare format", []string{"file://DIR/r.ndjson?format"}, "", "Unknown sink format"},
		{"empty format", []string{"file://DIR/r.ndjson?format="}, "", "Unknown sink format"},
		{"format twice", []string{"file://DIR/r.ndjson?format=ndjson&format=ocsf"}, "", "may be specified only once"},
		{"format on otlp", []string{"otlp://127.0.0.1:4317?format=ocsf"}, "", "not supported on OTLP sinks"},
		{"format on the dlq", []string{"stdout"}, "file://DIR/dlq.ndjson?format=ndjson", "only supported on findings sinks"},
		{"unknown option", []string{"file://DIR/r.ndjson?rotate=daily"}, "", `unknown sink option "rotate"`},
		{"bad on_full", []string{"file://DIR/r.ndjson?on_full=wait"}, "", "want block or drop"},
		{"otlp", []string{"otlp://127.0.0.1:4317", "otlphttp://127.0.0.1:4318"}, "", ""},
		{"otlps with a ca", []string{"otlps://127.0.0.1:4317?ca=DIR/ca.pem&tls_domain=collector"}, "", ""},
		{"otlphttps with mutual tls and gzip", []string{"otlphttps://c:4318?client_cert=c.pem&client_key=k.pem&compression=gzip"}, "", ""},
		{"ca on plain otlp", []string{"otlp://127.0.0.1:4317?ca=DIR/ca.pem"}, "", "need otlps:// or otlphttps://"},
		{"ca on a file", []string{"file://DIR/r.ndjson?ca=DIR/ca.pem"}, "", "options of OTLP sinks"},
		{"cert without key", []string{"otlps://c:4317?client_cert=c.pem"}, "", "client_cert and client_key go together"},
		{"otlp without port", []string{"otlp://collector"}, "", "want host:port"},
		{"otlp grpc with a path", []string{"otlp://c:4317/v1/logs"}, "", "takes no path"},
		{"otlp on the dlq", []string{"stdout"}, "otlphttp://127.0.0.1:4318", ""},
		{"on_full on the dlq", []string{"stdout"}, "file://DIR/dlq.ndjson?on_full=drop", "on_full is an option of --output sinks"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			outputs := make([]string, len(c.outputs))
			for i, u := range c.outputs {
				outputs[i] = inTempDir(t, u)
			}
			o := checkValidate(t, func(o *Options) { o.Outputs, o.DLQ = outputs, inTempDir(t, c.dlq) }, c.want)
			for _, u := range o.Outputs {
				if c.want == "" && strings.Contains(u, "?") {
					t.Fatalf("options left on the URL %q", u)
				}
			}
		})
	}
}

// inTempDir puts the paths a sink URL names ("DIR/…") in a temporary
// directory of the test.
func inTempDir(t *testing.T, u string) string {
	return strings.ReplaceAll(u, "DIR", filepath.ToSlash(t.TempDir()))
}

// checkValidate runs Validate on the defaults (rules and a loopback API
// address set) changed by mutate: with want "" it must pass, else exit 3
// with a message containing want. It returns the validated options.
func checkValidate(t *testing.T, mutate func(o *Options), want string) *Options {
	t.Helper()
	o := Defaults()
	o.Rules, o.APIAddr = []string{"rules"}, "127.0.0.1:9090"
	mutate(o)
	err := Validate(o)
	switch {
	case want == "" && err != nil:
		t.Fatalf("rejected: %v", err)
	case want != "" && (err == nil || CodeOf(err) != ExitConfig || !strings.Contains(err.Error(), want)):
		t.Fatalf("Validate = %v (exit %d), want exit 3 containing %q", err, CodeOf(err), want)
	}
	return o
}

// The options never become part of a file name.
func TestSinkOptionsAreNotPartOfTheFileName(t *testing.T) {
	file := filepath.Join(t.TempDir(), "r.ndjson")
	o := checkValidate(t, func(o *Options) { o.Outputs = []string{"file://" + file + "?on_full=drop"} }, "")
	if o.Outputs[0] != "file://"+file || o.SinkOptions[0].OnFull != "drop" || FilePath(o.Outputs[0]) != file {
		t.Fatalf("URL %q, options %+v", o.Outputs[0], o.SinkOptions[0])
	}
}

func TestSinkRetryFlags(t *testing.T) {
	for _, c := range []struct {
		retries, base, max int
		want               string
	}{{0, 1, 1, ""}, {-1, 100, 5000, "--sink-retry-max"}, {3, 0, 5000, "--sink-backoff-base-ms"}, {3, 100, 50, "--sink-backoff-max-ms"}} {
		checkValidate(t, func(o *Options) {
			o.SinkRetryMax, o.SinkBackoffBaseMS, o.SinkBackoffMaxMS = c.retries, c.base, c.max
		}, c.want)
	}
}
