package config

import (
	"github.com/rsigma-connect/rsigma-connect/format"
)

// validateFormat checks --input-format, --syslog-tz and the --jq/--jsonpath
// filter by building the decoder the processor will build (daemon.md §2.2
// steps 4-5): an unknown format, a bad offset, both filters, or a filter
// that does not compile is a configuration error.
func validateFormat(o *Options) error {
	if o.JQ != "" && o.JSONPath != "" {
		return Configf("--jq and --jsonpath are mutually exclusive")
	}
	if o.InputFormat == "" {
		o.InputFormat = string(format.Auto)
	}
	_, err := format.New(format.Options{
		Format: format.Name(o.InputFormat), SyslogTZ: o.SyslogTZ, JQ: o.JQ, JSONPath: o.JSONPath,
	})
	if err != nil {
		return Configf("%v", err)
	}
	return nil
}

// formatSection is the processor's input-format settings beyond
// input_format; defaults are left out so that the common config stays short.
func formatSection(o *Options) omap {
	var m omap
	if o.SyslogTZ != "" && o.SyslogTZ != "+00:00" {
		m = append(m, kv{"syslog_tz", o.SyslogTZ})
	}
	if o.JQ != "" {
		m = append(m, kv{"jq", o.JQ})
	}
	if o.JSONPath != "" {
		m = append(m, kv{"jsonpath", o.JSONPath})
	}
	return m
}
