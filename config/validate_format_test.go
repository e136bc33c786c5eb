package config

import (
	"strings"
	"testing"
)

func TestValidateFormatFlags(t *testing.T) {
	for _, c := range []struct {
		name   string
		mutate func(o *Options)
		want   string // "" = accepted
	}{
		{"every_format_is_accepted", func(o *Options) { o.InputFormat = "cef" }, ""},
		{"logfmt", func(o *Options) { o.InputFormat = "logfmt" }, ""},
		{"syslog_with_offset", func(o *Options) { o.InputFormat = "syslog"; o.SyslogTZ = "-08:00" }, ""},
		{"syslog_tz_utc_name", func(o *Options) { o.SyslogTZ = "UTC" }, ""},
		{"jq_compiles", func(o *Options) { o.JQ = ".records[]" }, ""},
		{"jsonpath_compiles", func(o *Options) { o.JSONPath = "$.records[*]" }, ""},
		{"http_input", func(o *Options) { o.Input = "http" }, ""},
		{"unknown_format", func(o *Options) { o.InputFormat = "xml" }, "--input-format"},
		{"offset_without_colon", func(o *Options) { o.SyslogTZ = "+0530" }, "--syslog-tz"},
		{"zone_name", func(o *Options) { o.SyslogTZ = "Europe/Paris" }, "--syslog-tz"},
		{"jq_and_jsonpath", func(o *Options) { o.JQ = "."; o.JSONPath = "$" }, "mutually exclusive"},
		{"jq_syntax_error", func(o *Options) { o.JQ = ".records[" }, "--jq"},
		{"jsonpath_syntax_error", func(o *Options) { o.JSONPath = "$.records[" }, "--jsonpath"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := Defaults()
			o.Rules = []string{"rules"}
			o.APIAddr = "127.0.0.1:9090"
			c.mutate(o)
			err := Validate(o)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || CodeOf(err) != ExitConfig || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v (code %d), want exit 3 mentioning %q", err, CodeOf(err), c.want)
			}
		})
	}
}

func TestFormatSettingsReachTheProcessor(t *testing.T) {
	o := Defaults()
	o.Rules = []string{"rules"}
	o.Input, o.InputFormat, o.SyslogTZ, o.JQ = "http", "syslog", "+05:30", ".inner"
	y, err := StreamYAML(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"sigma_http_events:", "input_format: syslog", `syslog_tz: "+05:30"`, "jq: .inner"} {
		if !strings.Contains(string(y), want) {
			t.Errorf("stream YAML lacks %q:\n%s", want, y)
		}
	}
}
