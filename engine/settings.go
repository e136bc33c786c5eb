package engine

import (
	"time"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/sigma"
	"github.com/rsigma-connect/rsigma-connect/source"
)

// Settings configure one Evaluator: which rules it loads and how it decodes,
// evaluates and correlates events. The `sigma` processor parses its YAML
// fields into Settings (processor.ParseSettings).
type Settings struct {
	Rules []string
	// StrictRules makes any rejected rule fail the initial load.
	StrictRules  bool
	IncludeEvent bool
	InputFormat  string
	// DetectWorkers bounds the goroutines detecting one batch (0 = GOMAXPROCS).
	DetectWorkers int
	// BatchSize is the most events evaluated per step (0 = a whole batch
	// per step).
	BatchSize int
	// LogsourceRouting evaluates each event only against the rules whose
	// logsource its recognized logsource does not contradict
	// (docs/logsource-routing.md).
	LogsourceRouting bool
	// Compile carries the evaluation pre-filter switches.
	Compile sigma.CompileOptions
	// Input-format settings.
	SyslogTZ       string
	SyslogStripBOM bool
	JQ, JSONPath   string
	// Correlation and state persistence.
	Correlation CorrelationSettings
	State       StateSettings
	// Pipelines, dynamic sources and enrichers.
	Dynamic DynamicSettings
	// Fleet correlation, stage 1.
	Fleet FleetSettings
}

// FleetSettings make the evaluator stage 1 of fleet correlation
// (docs/fleet-correlation.md). Partitions 0 keeps correlation local.
type FleetSettings struct {
	Partitions int
	// PositionMeta is the metadata key holding each event's position in
	// its source stream (unique, increasing); stage 2 orders by it. The
	// processor reads it into Line.Position.
	PositionMeta string
}

// CorrelationSettings are the engine-wide correlation knobs (daemon.md
// §3.8). Empty/zero values are "unset": a correlation's rsigma.* custom
// attribute applies, else the default.
type CorrelationSettings struct {
	Suppress        time.Duration
	Action          correlation.Action
	NoDetections    bool
	EventMode       correlation.EventMode
	MaxEvents       int
	MaxStateEntries int
	MaxGroupEntries int
	// IncludeMissingGroups correlates events lacking a group-by field in
	// one shared group (rsigma behaviour) instead of skipping them.
	IncludeMissingGroups bool
	TimestampFields      []string
	TimestampFallback    correlation.TimestampFallback
}

// The values of StateSettings.Restore.
const (
	RestoreAuto   = "auto"
	RestoreNever  = "never"
	RestoreAlways = "always"
)

// StateSettings configure correlation state persistence (daemon.md §3.9,
// §10). Path "" disables it.
type StateSettings struct {
	Path         string
	SaveInterval time.Duration
	// Restore is RestoreAuto (decide from the replay settings),
	// RestoreAlways or RestoreNever.
	Restore string
	// The replay position of the input, used by the auto decision.
	ReplayFromSequence uint64
	ReplayFromTime     time.Time
	ReplayFromLatest   bool
}

// DynamicSettings configure processing pipelines, dynamic sources and
// enrichers (daemon.md §3.4-3.5, pipelines.md).
type DynamicSettings struct {
	// Pipelines are builtin names or pipeline files, as given (-p).
	Pipelines []string
	// Sources are --source files or directories.
	Sources []string
	// AllowRemoteInclude permits include: of http/nats sources.
	AllowRemoteInclude bool
	// Enrichers is the enrichers file ("" = none).
	Enrichers string
	// Transports fetch the dynamic sources of each type; nil: the file,
	// http and command transports of source/fetch (a `nats` source then
	// fails to resolve). Set by the code that runs the stream (the daemon
	// adds natsfetch with its NATS auth and TLS settings), not by YAML.
	Transports map[source.Type]source.Transport
}

// needsDynamic reports whether s uses sources or enrichers (pipelines alone
// need no long-lived state).
func (s DynamicSettings) needsDynamic() bool {
	return len(s.Sources) > 0 || s.Enrichers != ""
}

// options converts the settings into engine options.
func (cs CorrelationSettings) options() correlation.Options {
	return correlation.Options{
		Suppress:             cs.Suppress,
		Action:               cs.Action,
		EventMode:            cs.EventMode,
		MaxCorrelationEvents: cs.MaxEvents,
		MaxStateEntries:      cs.MaxStateEntries,
		MaxGroupEntries:      cs.MaxGroupEntries,
		IncludeMissingGroups: cs.IncludeMissingGroups,
		TimestampFields:      cs.TimestampFields,
		TimestampFallback:    cs.TimestampFallback,
	}
}
