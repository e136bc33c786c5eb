package processor

import (
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// Field names of the input-format settings.
const (
	fieldSyslogTZ       = "syslog_tz"
	fieldSyslogStripBOM = "syslog_strip_bom"
	fieldJQ             = "jq"
	fieldJSONPath       = "jsonpath"
)

// formatFields are the fields that decide how a message becomes events
// (spec/input-formats.md).
func formatFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewStringEnumField(fieldInputFormat, "auto", "json", "syslog", "plain", "logfmt", "cef").
			Description("How a message is decoded into events. `json`: exactly one JSON value, anything else is an " +
				"error. `syslog`: RFC 3164/5424 header fields plus `_raw` (a JSON object body becomes a JSON event). " +
				"`plain`: a keyword-only event. `logfmt`: key=value pairs. `cef`: ArcSight CEF header and extension " +
				"fields; a line without a valid CEF header is an error. `auto`: JSON, else syslog when the line starts " +
				"with `<`, else plain; never an error.").
			Default("auto"),
		service.NewStringField(fieldSyslogTZ).
			Description("Offset assumed for RFC 3164 timestamps, which carry no zone: `+HH:MM`, `-HH:MM`, `UTC` or `Z`.").
			Default("+00:00"),
		service.NewBoolField(fieldSyslogStripBOM).
			Description("Remove one leading byte-order mark from syslog messages.").
			Default(true).Advanced(),
		service.NewStringField(fieldJQ).
			Description("jq program applied to every JSON event; each output becomes a separate event, no output drops the line. Mutually exclusive with `jsonpath`.").
			Default("").Example(".records[]"),
		service.NewStringField(fieldJSONPath).
			Description("RFC 9535 JSONPath query applied to every JSON event; each matched node becomes a separate event. Mutually exclusive with `jq`.").
			Default("").Example("$.records[*]"),
	}
}

// parseFormatSettings reads the input-format fields into s.
func parseFormatSettings(conf *service.ParsedConfig, s *engine.Settings) error {
	var err error
	if s.InputFormat, err = conf.FieldString(fieldInputFormat); err != nil {
		return err
	}
	if s.SyslogTZ, err = conf.FieldString(fieldSyslogTZ); err != nil {
		return err
	}
	if s.SyslogStripBOM, err = conf.FieldBool(fieldSyslogStripBOM); err != nil {
		return err
	}
	if s.JQ, err = conf.FieldString(fieldJQ); err != nil {
		return err
	}
	s.JSONPath, err = conf.FieldString(fieldJSONPath)
	return err
}
