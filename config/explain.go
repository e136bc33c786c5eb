package config

import (
	"slices"

	"github.com/urfave/cli/v2"
)

// explainFlagNames are the `engine daemon` flags that `engine explain`
// takes too: what decides which rules load and how an event is decoded and
// timed. The rest (inputs, sinks, API, state) does not apply to one event.
var explainFlagNames = []string{"rules", "pipeline", "input-format", "syslog-tz", "jq", "jsonpath",
	"timestamp-field", "timestamp-fallback", "bloom-prefilter", "bloom-max-bytes", "cross-rule-ac", "logsource-routing"}

// ExplainFlags returns the flags of `engine explain`: the daemon's flags
// of explainFlagNames, --rule and --json.
func ExplainFlags() []cli.Flag {
	var out []cli.Flag
	for _, f := range Flags() {
		if slices.Contains(explainFlagNames, f.Names()[0]) {
			out = append(out, f)
		}
	}
	return append(out,
		&cli.StringFlag{Name: "rule", Usage: "explain only the rule with this id (else title)", Category: "Rules"},
		&cli.BoolFlag{Name: "json", Usage: "write the explanation as JSON", Category: "Output"},
	)
}

// Explain is what `engine explain` was asked: the daemon Options its
// flags set (the others keep their defaults), the rule to explain ("" for
// all) and the output form.
type Explain struct {
	Options *Options
	Rule    string
	JSON    bool
}

// ExplainFromContext reads the flags of ExplainFlags.
func ExplainFromContext(c *cli.Context) Explain {
	o := Defaults()
	o.given = map[string]bool{}
	for _, name := range explainFlagNames {
		if c.IsSet(name) {
			o.given[name] = true
		}
	}
	o.Rules = c.StringSlice("rules")
	o.Pipelines = c.StringSlice("pipeline")
	o.InputFormat = c.String("input-format")
	o.SyslogTZ = c.String("syslog-tz")
	o.JQ = c.String("jq")
	o.JSONPath = c.String("jsonpath")
	o.TimestampFields = c.StringSlice("timestamp-field")
	o.TimestampFallback = c.String("timestamp-fallback")
	o.BloomPrefilter = c.Bool("bloom-prefilter")
	o.BloomMaxBytes = c.Int("bloom-max-bytes")
	o.CrossRuleAC = c.Bool("cross-rule-ac")
	o.LogsourceRouting = c.Bool("logsource-routing")
	return Explain{Options: o, Rule: c.String("rule"), JSON: c.Bool("json")}
}
