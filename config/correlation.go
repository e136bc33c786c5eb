package config

import (
	"fmt"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/correlation"
)

// validateCorrelation checks the correlation and state flags (daemon.md
// §3.8, §3.9); every problem exits 3.
func validateCorrelation(o *Options) error {
	if o.Suppress != "" {
		if _, err := correlation.ParseTimespan(o.Suppress); err != nil {
			return Configf("--suppress %q: %v (want <integer><unit>, unit one of s m h d w M y)", o.Suppress, err)
		}
	}
	if _, err := correlation.ParseAction(o.Action); err != nil {
		return Configf("--action %q: expected alert or reset", o.Action)
	}
	if _, err := correlation.ParseEventMode(o.CorrelationEventMode); err != nil {
		return Configf("--correlation-event-mode %q: expected none, full or refs", o.CorrelationEventMode)
	}
	if o.MaxCorrelationEvents < 1 {
		return Configf("--max-correlation-events %d: must be at least 1", o.MaxCorrelationEvents)
	}
	if _, err := correlation.ParseTimestampFallback(o.TimestampFallback); err != nil {
		return Configf("--timestamp-fallback %q: expected wallclock or skip", o.TimestampFallback)
	}
	for _, f := range o.TimestampFields {
		if strings.TrimSpace(f) == "" {
			return Configf("--timestamp-field: empty field name")
		}
	}
	if o.StateSaveInterval < 1 {
		return Configf("--state-save-interval %d: must be at least 1", o.StateSaveInterval)
	}
	if o.ClearState && o.KeepState {
		return Configf("--clear-state and --keep-state are mutually exclusive")
	}
	return nil
}

// correlationSection is the sigma processor's `correlation` and `state`
// objects for o; settings left at their defaults are not written, and an
// object with nothing set is omitted.
func correlationSection(o *Options) omap {
	var c omap
	if o.Suppress != "" {
		c = append(c, kv{"suppress", o.Suppress})
	}
	if o.Given("action") {
		c = append(c, kv{"action", o.Action})
	}
	if o.NoDetections {
		c = append(c, kv{"no_detections", true})
	}
	if o.Given("correlation-event-mode") {
		c = append(c, kv{"event_mode", strings.ToLower(o.CorrelationEventMode)})
	}
	if o.Given("max-correlation-events") {
		c = append(c, kv{"max_events", o.MaxCorrelationEvents})
	}
	if len(o.TimestampFields) > 0 {
		c = append(c, kv{"timestamp_fields", o.TimestampFields})
	}
	if o.TimestampFallback != "" && o.TimestampFallback != "wallclock" {
		c = append(c, kv{"timestamp_fallback", o.TimestampFallback})
	}
	var out omap
	if len(c) > 0 {
		out = append(out, kv{"correlation", c})
	}
	if st := stateSection(o); len(st) > 0 {
		out = append(out, kv{"state", st})
	}
	return out
}

func stateSection(o *Options) omap {
	if o.StateDB == "" {
		return nil
	}
	st := omap{{"path", o.StateDB}}
	if o.StateSaveInterval != 30 {
		st = append(st, kv{"save_interval", fmt.Sprintf("%ds", o.StateSaveInterval)})
	}
	switch {
	case o.ClearState:
		st = append(st, kv{"restore", "never"})
	case o.KeepState:
		st = append(st, kv{"restore", "always"})
	}
	if o.ReplayFromSequence > 0 {
		st = append(st, kv{"replay_from_sequence", o.ReplayFromSequence})
	}
	if o.ReplayFromTime != "" {
		st = append(st, kv{"replay_from_time", o.ReplayFromTime})
	}
	if o.ReplayFromLatest {
		st = append(st, kv{"replay_from_latest", true})
	}
	return st
}
