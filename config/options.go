package config

import "time"

// Options are the parsed `engine daemon` flags. Every flag of spec/daemon.md
// has a field, whether or not it is implemented yet (see implemented.go).
type Options struct {
	Rules       []string
	StrictRules bool

	Input       string
	InputFormat string
	SyslogTZ    string
	JQ          string
	JSONPath    string

	Outputs      []string
	DLQ          string
	IncludeEvent bool
	Pretty       bool

	// SinkOptions are the ?options of Outputs (same index), DLQOptions
	// those of DLQ; Validate cuts them off the URLs (sink_url.go).
	SinkOptions       []SinkOptions
	DLQOptions        SinkOptions
	SinkRetryMax      int
	SinkBackoffBaseMS int
	SinkBackoffMaxMS  int

	Pipelines          []string
	LogsourceRouting   bool
	Sources            []string
	AllowRemoteInclude bool
	Enrichers          string

	APIAddr        string
	APITokenEnv    string // names the variable holding the one admin token
	APIAuth        string // the API auth file (tokens and roles)
	TLSCert        string
	TLSKey         string
	TLSKeyPassword string
	TLSClientCA    string
	TLSMinVersion  string
	AllowPlaintext bool

	Suppress             string
	Action               string
	NoDetections         bool
	CorrelationEventMode string
	MaxCorrelationEvents int
	TimestampFields      []string
	TimestampFallback    string

	StateDB           string
	StateSaveInterval int
	ClearState        bool
	KeepState         bool

	BufferSize   int
	BatchSize    int
	DrainTimeout time.Duration

	NATSCreds          string
	NATSToken          string
	NATSUser           string
	NATSPassword       string
	NATSNKey           string
	NATSTLSCert        string
	NATSTLSKey         string
	NATSRequireTLS     bool
	ReplayFromSequence uint64
	ReplayFromTime     string
	ReplayFromLatest   bool
	ConsumerGroup      string
	// Fleet are the fleet correlation flags (fleet.go).
	Fleet FleetOptions

	BloomPrefilter bool
	BloomMaxBytes  int
	CrossRuleAC    bool

	// PrintConfig prints the generated stream YAML and exits.
	PrintConfig bool

	// given holds the names of the flags set on the command line or through
	// their environment variable.
	given map[string]bool
}

// Given reports whether flag name (without dashes) was set explicitly or
// through its environment variable.
func (o *Options) Given(name string) bool { return o.given[name] }

// SetGiven marks flag names as given (tests and programmatic callers).
func (o *Options) SetGiven(names ...string) {
	if o.given == nil {
		o.given = map[string]bool{}
	}
	for _, n := range names {
		o.given[n] = true
	}
}

// Defaults returns Options with every default of spec/daemon.md.
func Defaults() *Options {
	return &Options{
		Input:                "stdin",
		InputFormat:          "auto",
		SyslogTZ:             "+00:00",
		Outputs:              []string{"stdout"},
		APIAddr:              "0.0.0.0:9090",
		TLSMinVersion:        "1.3",
		Action:               "alert",
		CorrelationEventMode: "none",
		MaxCorrelationEvents: 10,
		TimestampFallback:    "wallclock",
		StateSaveInterval:    30,
		BufferSize:           10000,
		BatchSize:            1,
		DrainTimeout:         5 * time.Second,
		SinkRetryMax:         3,
		SinkBackoffBaseMS:    100,
		SinkBackoffMaxMS:     5000,
		BloomMaxBytes:        1048576,
		Fleet:                FleetOptions{LeaseTTL: defaultLeaseTTL * time.Second, CheckpointInterval: defaultCheckpointInterval * time.Second},
	}
}
