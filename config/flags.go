package config

import (
	"time"

	"github.com/urfave/cli/v2"
)

// Flags returns every `engine daemon` flag of spec/daemon.md §3 as urfave/cli
// flags, with their defaults and environment variables. Parse the result with
// FromContext.
func Flags() []cli.Flag {
	d := Defaults()
	return append([]cli.Flag{
		&cli.StringSliceFlag{Name: "rules", Aliases: []string{"r"}, Usage: "rule file or directory (repeatable)", Category: "Rules"},
		&cli.BoolFlag{Name: "strict-rules", Usage: "exit 2 at startup when any rule is rejected", Category: "Rules"},

		&cli.StringFlag{Name: "input", Value: d.Input, Usage: "event source: stdin, http or nats://host:port/subject", Category: "Input"},
		&cli.StringFlag{Name: "input-format", Value: d.InputFormat, Usage: "auto, json, syslog, plain, logfmt or cef", Category: "Input"},
		&cli.StringFlag{Name: "syslog-tz", Value: d.SyslogTZ, Usage: "default zone of RFC 3164 timestamps (+HH:MM, -HH:MM, UTC, Z)", Category: "Input"},
		&cli.StringFlag{Name: "jq", Usage: "jq program applied to every JSON event", Category: "Input"},
		&cli.StringFlag{Name: "jsonpath", Usage: "RFC 9535 query applied to every JSON event", Category: "Input"},

		&cli.StringSliceFlag{Name: "output", Usage: "result sink: stdout, file://path or nats://host:port/subject (repeatable; default stdout)", Category: "Output"},
		&cli.StringFlag{Name: "dlq", Usage: "dead-letter sink: file://path or nats://host:port/subject", Category: "Output"},
		&cli.BoolFlag{Name: "include-event", Usage: "add the decoded event to every detection result", Category: "Output"},
		&cli.BoolFlag{Name: "pretty", Usage: "pretty-print JSON on the stdout sink", Category: "Output"},
		&cli.IntFlag{Name: "sink-retry-max", Value: d.SinkRetryMax, Usage: "retries of a failing sink write before the DLQ", Category: "Output"},
		&cli.IntFlag{Name: "sink-backoff-base-ms", Value: d.SinkBackoffBaseMS, Usage: "first retry delay in ms; doubles per retry", Category: "Output"},
		&cli.IntFlag{Name: "sink-backoff-max-ms", Value: d.SinkBackoffMaxMS, Usage: "longest retry delay in ms", Category: "Output"},

		&cli.StringSliceFlag{Name: "pipeline", Aliases: []string{"p"}, Usage: "processing pipeline: builtin name or YAML file (repeatable)", Category: "Pipelines"},
		&cli.StringSliceFlag{Name: "source", Usage: "dynamic source file or directory (repeatable)", Category: "Pipelines"},
		&cli.BoolFlag{Name: "allow-remote-include", Usage: "allow pipeline include: directives from http and nats sources", Category: "Pipelines"},
		&cli.BoolFlag{Name: "logsource-routing", Usage: "evaluate each event only against the rules whose logsource fits its recognized logsource", Category: "Rules"},
		&cli.StringFlag{Name: "enrichers", Usage: "enrichers YAML file", Category: "Enrichment"},

		&cli.StringFlag{Name: "api-addr", Value: d.APIAddr, Usage: "listener of probes, metrics and the API (IP:port or unix:///path)", Category: "API"},
		&cli.StringFlag{Name: "api-token-env", Usage: "environment variable holding the API's one bearer token (every permission)", Category: "API"},
		&cli.StringFlag{Name: "api-auth", Usage: "YAML file of API bearer tokens and their roles", Category: "API"},
		&cli.StringFlag{Name: "tls-cert", Usage: "PEM certificate of the API listener", Category: "TLS"},
		&cli.StringFlag{Name: "tls-key", Usage: "PEM private key of the API listener", Category: "TLS"},
		&cli.StringFlag{Name: "tls-key-password", EnvVars: []string{"RSIGMA_TLS_KEY_PASSWORD"}, Usage: "unsupported: encrypted keys are refused", Category: "TLS"},
		&cli.StringFlag{Name: "tls-client-ca", Usage: "PEM CA bundle; enables mutual TLS", Category: "TLS"},
		&cli.StringFlag{Name: "tls-min-version", Value: d.TLSMinVersion, Usage: "1.2 or 1.3", Category: "TLS"},
		&cli.BoolFlag{Name: "allow-plaintext", Usage: "allow plaintext HTTP on a non-loopback --api-addr", Category: "TLS"},

		&cli.StringFlag{Name: "suppress", Usage: "swallow repeated correlation firings per group for this duration (e.g. 5m)", Category: "Correlation"},
		&cli.StringFlag{Name: "action", Value: d.Action, Usage: "alert or reset", Category: "Correlation"},
		&cli.BoolFlag{Name: "no-detections", Usage: "suppress detections of rules referenced by non-generating correlations", Category: "Correlation"},
		&cli.StringFlag{Name: "correlation-event-mode", Value: d.CorrelationEventMode, Usage: "none, full or refs", Category: "Correlation"},
		&cli.IntFlag{Name: "max-correlation-events", Value: d.MaxCorrelationEvents, Usage: "events kept per correlation group", Category: "Correlation"},
		&cli.StringSliceFlag{Name: "timestamp-field", Usage: "event timestamp field, tried before the defaults (repeatable)", Category: "Correlation"},
		&cli.StringFlag{Name: "timestamp-fallback", Value: d.TimestampFallback, Usage: "wallclock or skip", Category: "Correlation"},

		&cli.StringFlag{Name: "state-db", Usage: "SQLite file for correlation state", Category: "State"},
		&cli.IntFlag{Name: "state-save-interval", Value: d.StateSaveInterval, Usage: "seconds between state snapshots", Category: "State"},
		&cli.BoolFlag{Name: "clear-state", Usage: "never restore stored state at startup", Category: "State"},
		&cli.BoolFlag{Name: "keep-state", Usage: "always restore stored state at startup", Category: "State"},

		&cli.IntFlag{Name: "buffer-size", Value: d.BufferSize, Usage: "capacity of the event and result queues", Category: "Throughput"},
		&cli.IntFlag{Name: "batch-size", Value: d.BatchSize, Usage: "max events evaluated per step", Category: "Throughput"},
		&cli.IntFlag{Name: "drain-timeout", Value: int(d.DrainTimeout / time.Second), Usage: "seconds to drain at shutdown", Category: "Throughput"},

		&cli.StringFlag{Name: "nats-creds", EnvVars: []string{"NATS_CREDS"}, Category: "NATS"},
		&cli.StringFlag{Name: "nats-token", EnvVars: []string{"NATS_TOKEN"}, Category: "NATS"},
		&cli.StringFlag{Name: "nats-user", EnvVars: []string{"NATS_USER"}, Category: "NATS"},
		&cli.StringFlag{Name: "nats-password", EnvVars: []string{"NATS_PASSWORD"}, Category: "NATS"},
		&cli.StringFlag{Name: "nats-nkey", EnvVars: []string{"NATS_NKEY"}, Category: "NATS"},
		&cli.StringFlag{Name: "nats-tls-cert", Category: "NATS"},
		&cli.StringFlag{Name: "nats-tls-key", Category: "NATS"},
		&cli.BoolFlag{Name: "nats-require-tls", Category: "NATS"},
		&cli.Uint64Flag{Name: "replay-from-sequence", Category: "NATS"},
		&cli.StringFlag{Name: "replay-from-time", Usage: "RFC 3339 time", Category: "NATS"},
		&cli.BoolFlag{Name: "replay-from-latest", Category: "NATS"},
		&cli.StringFlag{Name: "consumer-group", EnvVars: []string{"RSIGMA_CONSUMER_GROUP"}, Category: "NATS"},

		&cli.BoolFlag{Name: "bloom-prefilter", Usage: "bloom pre-filter for substring matchers", Category: "Performance"},
		&cli.IntFlag{Name: "bloom-max-bytes", Value: d.BloomMaxBytes, Usage: "memory budget of the bloom pre-filter", Category: "Performance"},
		&cli.BoolFlag{Name: "cross-rule-ac", Usage: "cross-rule Aho-Corasick pre-filter", Category: "Performance"},

		&cli.BoolFlag{Name: "print-config", Usage: "print the generated stream configuration and exit", Category: "Other"},
	}, fleetFlags()...) // fleet.go
}

// FromContext reads Options from a parsed command line. It does no
// validation beyond the flag grammar (see Validate).
func FromContext(c *cli.Context) *Options {
	o := Defaults()
	o.given = map[string]bool{}
	for _, f := range Flags() {
		name := f.Names()[0]
		if c.IsSet(name) {
			o.given[name] = true
		}
	}
	o.Rules = c.StringSlice("rules")
	o.StrictRules = c.Bool("strict-rules")
	o.Input = c.String("input")
	o.InputFormat = c.String("input-format")
	o.SyslogTZ = c.String("syslog-tz")
	o.JQ = c.String("jq")
	o.JSONPath = c.String("jsonpath")
	if outs := c.StringSlice("output"); len(outs) > 0 {
		o.Outputs = outs
	}
	o.DLQ = c.String("dlq")
	o.IncludeEvent = c.Bool("include-event")
	o.Pretty = c.Bool("pretty")
	o.SinkRetryMax = c.Int("sink-retry-max")
	o.SinkBackoffBaseMS = c.Int("sink-backoff-base-ms")
	o.SinkBackoffMaxMS = c.Int("sink-backoff-max-ms")
	o.Pipelines = c.StringSlice("pipeline")
	o.Sources = c.StringSlice("source")
	o.AllowRemoteInclude = c.Bool("allow-remote-include")
	o.LogsourceRouting = c.Bool("logsource-routing")
	o.Enrichers = c.String("enrichers")
	o.APIAddr = c.String("api-addr")
	o.APITokenEnv = c.String("api-token-env")
	o.APIAuth = c.String("api-auth")
	o.TLSCert = c.String("tls-cert")
	o.TLSKey = c.String("tls-key")
	o.TLSKeyPassword = c.String("tls-key-password")
	o.TLSClientCA = c.String("tls-client-ca")
	o.TLSMinVersion = c.String("tls-min-version")
	o.AllowPlaintext = c.Bool("allow-plaintext")
	o.Suppress = c.String("suppress")
	o.Action = c.String("action")
	o.NoDetections = c.Bool("no-detections")
	o.CorrelationEventMode = c.String("correlation-event-mode")
	o.MaxCorrelationEvents = c.Int("max-correlation-events")
	o.TimestampFields = c.StringSlice("timestamp-field")
	o.TimestampFallback = c.String("timestamp-fallback")
	o.StateDB = c.String("state-db")
	o.StateSaveInterval = c.Int("state-save-interval")
	o.ClearState = c.Bool("clear-state")
	o.KeepState = c.Bool("keep-state")
	o.BufferSize = c.Int("buffer-size")
	o.BatchSize = c.Int("batch-size")
	o.DrainTimeout = time.Duration(c.Int("drain-timeout")) * time.Second
	o.NATSCreds = c.String("nats-creds")
	o.NATSToken = c.String("nats-token")
	o.NATSUser = c.String("nats-user")
	o.NATSPassword = c.String("nats-password")
	o.NATSNKey = c.String("nats-nkey")
	o.NATSTLSCert = c.String("nats-tls-cert")
	o.NATSTLSKey = c.String("nats-tls-key")
	o.NATSRequireTLS = c.Bool("nats-require-tls")
	o.ReplayFromSequence = c.Uint64("replay-from-sequence")
	o.ReplayFromTime = c.String("replay-from-time")
	o.ReplayFromLatest = c.Bool("replay-from-latest")
	o.ConsumerGroup = c.String("consumer-group")
	o.BloomPrefilter = c.Bool("bloom-prefilter")
	o.BloomMaxBytes = c.Int("bloom-max-bytes")
	o.CrossRuleAC = c.Bool("cross-rule-ac")
	o.PrintConfig = c.Bool("print-config")
	readFleetFlags(c, o)
	return o
}
