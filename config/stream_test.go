package config

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/redpanda-data/benthos/v4/public/components/io"
	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
	"github.com/redpanda-data/benthos/v4/public/service"

	_ "github.com/rsigma-connect/rsigma-connect/processor"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestStreamYAML compares the translation of flag sets with golden files
// and checks that every generated config passes the framework's linter with
// our plugins registered.
func TestStreamYAML(t *testing.T) {
	cases := map[string]func(o *Options){
		"minimal_stdin_stdout": func(o *Options) {},
		"fan_out_with_dlq": func(o *Options) {
			o.Outputs = []string{"stdout", "file:///var/log/rsigma/results.ndjson"}
			o.DLQ = "file:///var/log/rsigma/dlq.ndjson"
			o.IncludeEvent = true
			o.Pretty = true
			o.InputFormat = "json"
		},
		"strict_rules": func(o *Options) { o.StrictRules = true },
		"sink_options": func(o *Options) {
			o.Outputs = []string{"file:///var/log/rsigma/findings.ocsf?format=ocsf&on_full=drop", "stdout?format=ndjson",
				"otlphttps://collector:4318/custom/logs?ca=/etc/ca.pem&tls_domain=collector.internal&compression=gzip", "otlp://127.0.0.1:4317"}
			o.DLQ = "otlphttp://collector:4318"
			o.SinkRetryMax, o.SinkBackoffBaseMS, o.SinkBackoffMaxMS = 0, 50, 2000
		},
		"batched_input": func(o *Options) {
			o.BatchSize = 64
			o.BufferSize = 500
			o.DrainTimeout = 12 * time.Second
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			o := Defaults()
			o.Rules = []string{"rules/"}
			o.APIAddr = "127.0.0.1:9090"
			mutate(o)
			if err := Validate(o); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got, err := StreamYAML(o)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, name, got)
		})
	}
}

// checkGolden compares a generated config with testdata/<name>.yaml
// (rewritten with -update) and lints it with our plugins registered.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("testdata", name+".yaml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if string(got) != string(want) {
		t.Errorf("generated config differs from %s:\n%s", golden, got)
	}
	lints, err := service.GlobalEnvironment().FullConfigSchema("", "").NewStreamConfigLinter().LintYAML(got)
	if err != nil {
		t.Fatalf("lint: %v", err)
	}
	for _, l := range lints {
		t.Errorf("lint: %v", l.Error())
	}
}

// TestStreamYAMLIsDeterministic guards the pure-function contract.
func TestStreamYAMLIsDeterministic(t *testing.T) {
	o := Defaults()
	o.Rules = []string{"a", "b"}
	o.APIAddr = "127.0.0.1:0"
	o.Outputs = []string{"stdout", "file://x", "file://y"}
	if err := Validate(o); err != nil {
		t.Fatal(err)
	}
	a, _ := StreamYAML(o)
	b, _ := StreamYAML(o)
	if string(a) != string(b) {
		t.Fatal("two translations of the same options differ")
	}
}
