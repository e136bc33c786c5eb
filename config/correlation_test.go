package config

import (
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/processor"
)

func baseOptions() *Options {
	o := Defaults()
	o.Rules = []string{"rules"}
	o.APIAddr = "127.0.0.1:9090"
	return o
}

func TestValidateCorrelationFlags(t *testing.T) {
	for _, c := range []struct {
		name   string
		mutate func(o *Options)
		want   string
	}{
		{"suppress_with_two_units", func(o *Options) { o.Suppress = "5m30s" }, "--suppress \"5m30s\""},
		{"suppress_fraction", func(o *Options) { o.Suppress = "1.5h" }, "--suppress"},
		{"suppress_unit_only", func(o *Options) { o.Suppress = "m" }, "--suppress"},
		{"suppress_unknown_unit", func(o *Options) { o.Suppress = "5x" }, "--suppress"},
		{"action_unknown", func(o *Options) { o.Action = "page" }, "--action \"page\""},
		{"event_mode_unknown", func(o *Options) { o.CorrelationEventMode = "all" }, "--correlation-event-mode"},
		{"max_events_zero", func(o *Options) { o.MaxCorrelationEvents = 0 }, "--max-correlation-events 0"},
		{"fallback_unknown", func(o *Options) { o.TimestampFallback = "now" }, "--timestamp-fallback"},
		{"save_interval_zero", func(o *Options) { o.StateSaveInterval = 0 }, "--state-save-interval 0"},
		{"clear_and_keep_state", func(o *Options) { o.ClearState, o.KeepState = true, true }, "mutually exclusive"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := baseOptions()
			c.mutate(o)
			err := Validate(o)
			if err == nil || CodeOf(err) != ExitConfig || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v (code %d), want exit 3 containing %q", err, CodeOf(err), c.want)
			}
		})
	}
	o := baseOptions()
	o.Suppress, o.Action, o.CorrelationEventMode = "90m", "reset", "REFERENCES"
	if err := Validate(o); err != nil {
		t.Fatalf("valid flags rejected: %v", err)
	}
}

// The generated processor section must parse with the processor's own spec
// into the settings the flags mean.
func TestCorrelationFlagsReachTheProcessor(t *testing.T) {
	o := baseOptions()
	o.Suppress, o.Action, o.NoDetections = "5m", "reset", true
	o.CorrelationEventMode, o.MaxCorrelationEvents = "True", 3
	o.TimestampFields, o.TimestampFallback = []string{"syslog_timestamp", "ts"}, "skip"
	o.StateDB, o.StateSaveInterval, o.KeepState = "/var/lib/rsigma/state.db", 5, true
	o.ReplayFromSequence = 42
	o.SetGiven("rules", "action", "correlation-event-mode", "max-correlation-events")
	if err := Validate(o); err != nil {
		t.Fatal(err)
	}
	body, err := ProcessorYAML(o)
	if err != nil {
		t.Fatal(err)
	}
	want := `correlation:
    suppress: 5m
    action: reset
    no_detections: true
    event_mode: "true"
    max_events: 3
    timestamp_fields:
        - syslog_timestamp
        - ts
    timestamp_fallback: skip
state:
    path: /var/lib/rsigma/state.db
    save_interval: 5s
    restore: always
    replay_from_sequence: 42
`
	if !strings.HasSuffix(body, want) {
		t.Fatalf("processor section:\n%s\nwant suffix:\n%s", body, want)
	}
	s, err := processor.ParseSettingsYAML(body)
	if err != nil {
		t.Fatalf("the processor spec rejects the translation: %v", err)
	}
	c := s.Correlation
	if c.Suppress.Minutes() != 5 || c.MaxEvents != 3 || !c.NoDetections || s.State.SaveInterval.Seconds() != 5 ||
		s.State.Restore != "always" || s.State.ReplayFromSequence != 42 {
		t.Fatalf("settings %+v / %+v", c, s.State)
	}
}

func TestDefaultFlagsAddNoCorrelationSection(t *testing.T) {
	o := baseOptions()
	if err := Validate(o); err != nil {
		t.Fatal(err)
	}
	body, _ := ProcessorYAML(o)
	if strings.Contains(body, "correlation") || strings.Contains(body, "state") {
		t.Fatalf("defaults produced correlation settings:\n%s", body)
	}
}
