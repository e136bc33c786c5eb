package config

import (
	"strings"
	"testing"
)

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(o *Options)
		want   string
	}{
		{"missing_rules", func(o *Options) { o.Rules = nil }, "--rules is required"},
		{"unsupported_input", func(o *Options) { o.Input = "kafka://x" }, "unsupported input"},
		{"unknown_input_format", func(o *Options) { o.InputFormat = "xml" }, "unknown format"},
		{"unsupported_output_scheme", func(o *Options) { o.Outputs = []string{"s3://bucket"} }, "unsupported sink"},
		{"dlq_on_stdout", func(o *Options) { o.DLQ = "stdout" }, "cannot share stdout"},
		{"host_name_api_addr", func(o *Options) { o.APIAddr = "localhost:9090" }, "literal IP:port"},
		{"plaintext_on_all_interfaces", func(o *Options) { o.APIAddr = "0.0.0.0:9090" }, "refusing to bind plaintext"},
		{"zero_buffer", func(o *Options) { o.BufferSize = 0 }, "--buffer-size 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := Defaults()
			o.Rules = []string{"rules"}
			o.APIAddr = "127.0.0.1:9090"
			c.mutate(o)
			err := Validate(o)
			if err == nil {
				t.Fatalf("Validate accepted the options, want an error containing %q", c.want)
			}
			if CodeOf(err) != ExitConfig {
				t.Errorf("exit code %d, want %d", CodeOf(err), ExitConfig)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	cases := map[string]func(o *Options){
		"loopback_plaintext":             func(o *Options) { o.APIAddr = "127.0.0.1:0" },
		"ipv6_loopback":                  func(o *Options) { o.APIAddr = "[::1]:9090" },
		"allow_plaintext_on_any":         func(o *Options) { o.APIAddr = "0.0.0.0:9090"; o.AllowPlaintext = true },
		"batch_size_zero_behaves_as_one": func(o *Options) { o.BatchSize = 0 },
		"stdin_scheme":                   func(o *Options) { o.Input = "stdin://" },
		"stdout_scheme":                  func(o *Options) { o.Outputs = []string{"stdout://"} },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			o := Defaults()
			o.Rules = []string{"rules"}
			o.APIAddr = "127.0.0.1:9090"
			mutate(o)
			if err := Validate(o); err != nil {
				t.Fatal(err)
			}
			if o.BatchSize < 1 || o.Input != "stdin" || o.Outputs[0] != "stdout" {
				t.Errorf("not normalised: batch %d input %q outputs %v", o.BatchSize, o.Input, o.Outputs)
			}
		})
	}
}
