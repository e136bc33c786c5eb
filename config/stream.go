package config

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/rsigma-connect/rsigma-connect/server"
)

// StreamYAML translates validated Options into the stream configuration the
// daemon runs. It is a pure function: the same Options give the same bytes.
// The result also runs unchanged under `rsigma-connect run`.
func StreamYAML(o *Options) ([]byte, error) {
	conf := omap{
		{"http", httpSection(o)},
		{"input", inputSection(o)},
	}
	conf = append(conf,
		// One pipeline thread keeps results in input order per sink and feeds
		// correlation in event order (spec/daemon.md §5); the processor spreads
		// the detections of a batch over the cores itself.
		kv{"pipeline", omap{
			{"threads", 1},
			{"processors", []any{omap{{"sigma", ProcessorSection(o)}}}},
		}},
		kv{"output", outputSection(o)},
		kv{"output_resources", []any{dlqResource(o)}},
		kv{"metrics", omap{{"prometheus", omap{{"component_labels", false}}}}}, // metric labels exactly as docs/metrics.md
		kv{"logger", omap{
			{"level", "info"},
			{"format", "json"},
			{"add_timestamp", true},
			{"static_fields", omap{{"@service", "rsigma-connect"}}},
			{"file", omap{{"path", "/dev/stderr"}, {"rotate", false}}},
		}},
		kv{"shutdown_timeout", (o.DrainTimeout).String()},
	)
	conf = withFleet(o, conf) // fleet.go
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(conf); err != nil {
		return nil, fmt.Errorf("encoding stream config: %w", err)
	}
	return buf.Bytes(), nil
}

// httpSection serves the framework's endpoints on --api-addr when the config
// runs under `rsigma-connect run`; the daemon replaces this server with its
// own listener and mux. With --input http the sigma_http_events input
// serves --api-addr itself under `run`; the framework's server binds TCP
// only, so a unix:///path address leaves it off under `run`.
func httpSection(o *Options) omap {
	if _, unix := server.UnixSocketPath(o.APIAddr); unix || o.Input == "http" {
		return omap{{"enabled", false}}
	}
	return omap{{"enabled", true}, {"address", o.APIAddr}}
}

// ProcessorSection is the body of the `sigma` processor for o. It is
// exported so that the daemon can preload the rules with the same settings.
func ProcessorSection(o *Options) omap {
	m := omap{{"rules", o.Rules}}
	if o.StrictRules {
		m = append(m, kv{"strict_rules", true})
	}
	return append(append(m, omap{
		{"include_event", o.IncludeEvent},
		{"logsource_routing", o.LogsourceRouting}, // always written: the processor's default is on
		{"input_format", o.InputFormat},
		{"batch_size", batchSize(o)},
		// The daemon's outputs never read the sigma_* metadata; setting it
		// costs each result a metadata map.
		{"result_metadata", false},
	}...), append(append(append(append(formatSection(o), correlationSection(o)...), pipelineSection(o)...), prefilterSection(o)...), fleetSection(o)...)...)
}

// prefilterSection passes --bloom-prefilter, --bloom-max-bytes (only with
// the bloom filter on) and --cross-rule-ac when set.
func prefilterSection(o *Options) omap {
	var m omap
	if o.BloomPrefilter {
		m = append(m, kv{"bloom_prefilter", true}, kv{"bloom_max_bytes", o.BloomMaxBytes})
	}
	if o.CrossRuleAC {
		m = append(m, kv{"cross_rule_ac", true})
	}
	return m
}

// ProcessorYAML is ProcessorSection encoded as YAML.
func ProcessorYAML(o *Options) (string, error) {
	b, err := yaml.Marshal(ProcessorSection(o))
	return string(b), err
}
