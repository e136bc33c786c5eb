package processor

import (
	"fmt"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/engine"
)

// Field names of the `correlation` and `state` objects.
const (
	fieldCorrelation        = "correlation"
	fieldSuppress           = "suppress"
	fieldAction             = "action"
	fieldNoDetections       = "no_detections"
	fieldEventMode          = "event_mode"
	fieldMaxEvents          = "max_events"
	fieldMaxStateEntries    = "max_state_entries"
	fieldMaxGroupEntries    = "max_group_entries"
	fieldGroupMissing       = "include_missing_groups"
	fieldTimestampFields    = "timestamp_fields"
	fieldTimestampFallback  = "timestamp_fallback"
	fieldState              = "state"
	fieldStatePath          = "path"
	fieldStateSaveInterval  = "save_interval"
	fieldStateRestore       = "restore"
	fieldReplayFromSequence = "replay_from_sequence"
	fieldReplayFromTime     = "replay_from_time"
	fieldReplayFromLatest   = "replay_from_latest"
)

// correlationFields are the `correlation` and `state` objects.
func correlationFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewObjectField(fieldCorrelation,
			service.NewStringField(fieldSuppress).Default("").
				Description("After a correlation fires for a group, swallow further firings of that (correlation, group) for this long, in event time. Sigma timespan syntax (`30s`, `5m`, `1h`, `1d`); empty = no suppression unless a rule sets `rsigma.suppress`."),
			service.NewStringField(fieldAction).Default("").
				Description("What happens to a group's window after a firing: `alert` keeps it (every further qualifying event fires again), `reset` clears it. Empty = `alert` unless a rule sets `rsigma.action`."),
			service.NewBoolField(fieldNoDetections).Default(false).
				Description("Drop the detection results of rules that are referenced only by correlations with `generate: false`."),
			service.NewStringField(fieldEventMode).Default("").
				Description("Events kept per correlation group and emitted with its results: `none`, `full` (deflate-compressed bodies, emitted under `events`) or `refs` (timestamp and id, under `event_refs`). Empty = `none` unless a rule sets `rsigma.correlation_event_mode`."),
			service.NewIntField(fieldMaxEvents).Default(0).
				Description("Events kept per (correlation, group) in `full`/`refs` mode, oldest dropped first; 0 = 10 unless a rule sets `rsigma.max_correlation_events`."),
			service.NewIntField(fieldMaxStateEntries).Default(correlation.DefaultMaxStateEntries).Advanced().
				Description("Cap on live (correlation, group) states; when reached, expired state is dropped, then the stalest groups until 90% remains."),
			service.NewIntField(fieldMaxGroupEntries).Default(0).Advanced().
				Description("Cap on window entries per group (oldest dropped; can only under-count); 0 = unbounded unless a rule sets `rsigma.max_group_entries`."),
			service.NewBoolField(fieldGroupMissing).Default(false).Advanced().
				Description("Correlate events that lack a group-by field (or hold null, an array or an object there) in one shared group, as rsigma does, instead of skipping them."),
			service.NewStringListField(fieldTimestampFields).Default([]any{}).
				Description("Event fields holding the event time, tried in order before `@timestamp`, `timestamp`, `EventTime`, `TimeCreated`, `eventTime`."),
			service.NewStringEnumField(fieldTimestampFallback, "wallclock", "skip").Default("wallclock").
				Description("For events without a parsable timestamp: `wallclock` uses the current time, `skip` leaves correlation state untouched (detections are still emitted)."),
		).Description("Correlation engine settings. One engine is shared by all pipeline threads; it is applied to events one at a time, in the order their detection finished (exactly the input order with `pipeline.threads: 1`)."),
		service.NewObjectField(fieldState,
			service.NewStringField(fieldStatePath).Default("").
				Description("SQLite file holding the correlation state snapshot (created if missing). Empty = no persistence."),
			service.NewDurationField(fieldStateSaveInterval).Default("30s").
				Description("Time between snapshots; a final one is written when the processor closes."),
			service.NewStringEnumField(fieldStateRestore, engine.RestoreAuto, engine.RestoreAlways, engine.RestoreNever).Default(engine.RestoreAuto).
				Description("Whether the stored state is imported at startup: `auto` unless the input replays from an earlier position (see the replay fields), `always`, or `never`."),
			service.NewIntField(fieldReplayFromSequence).Default(0).Advanced().
				Description("The input replays from this NATS stream sequence: restore only if it is beyond the stored position."),
			service.NewStringField(fieldReplayFromTime).Default("").Advanced().
				Description("The input replays from this RFC 3339 time: restore only if it is after the stored position's time."),
			service.NewBoolField(fieldReplayFromLatest).Default(false).Advanced().
				Description("The input starts at the newest message: never restore."),
		).Description("Correlation state persistence."),
	}
}

// parseCorrelationSettings reads the `correlation` and `state` objects.
func parseCorrelationSettings(conf *service.ParsedConfig, s *engine.Settings) error {
	c := conf.Namespace(fieldCorrelation)
	cs := &s.Correlation
	text, err := c.FieldString(fieldSuppress)
	if err != nil {
		return err
	}
	if text != "" {
		if cs.Suppress, err = correlation.ParseTimespan(text); err != nil {
			return fmt.Errorf("%s.%s: %w", fieldCorrelation, fieldSuppress, err)
		}
	}
	if text, err = c.FieldString(fieldAction); err != nil {
		return err
	}
	if text != "" {
		if cs.Action, err = correlation.ParseAction(text); err != nil {
			return fmt.Errorf("%s.%s: %w", fieldCorrelation, fieldAction, err)
		}
	}
	if text, err = c.FieldString(fieldEventMode); err != nil {
		return err
	}
	if text != "" {
		if cs.EventMode, err = correlation.ParseEventMode(text); err != nil {
			return fmt.Errorf("%s.%s: %w", fieldCorrelation, fieldEventMode, err)
		}
	}
	if cs.NoDetections, err = c.FieldBool(fieldNoDetections); err != nil {
		return err
	}
	if cs.MaxEvents, err = c.FieldInt(fieldMaxEvents); err != nil {
		return err
	}
	if cs.MaxStateEntries, err = c.FieldInt(fieldMaxStateEntries); err != nil {
		return err
	}
	if cs.MaxGroupEntries, err = c.FieldInt(fieldMaxGroupEntries); err != nil {
		return err
	}
	if cs.IncludeMissingGroups, err = c.FieldBool(fieldGroupMissing); err != nil {
		return err
	}
	if cs.MaxEvents < 0 || cs.MaxGroupEntries < 0 || cs.MaxStateEntries < 1 {
		return fmt.Errorf("%s: %s and %s must not be negative, %s must be positive", fieldCorrelation, fieldMaxEvents, fieldMaxGroupEntries, fieldMaxStateEntries)
	}
	if cs.TimestampFields, err = c.FieldStringList(fieldTimestampFields); err != nil {
		return err
	}
	if text, err = c.FieldString(fieldTimestampFallback); err != nil {
		return err
	}
	if cs.TimestampFallback, err = correlation.ParseTimestampFallback(text); err != nil {
		return fmt.Errorf("%s.%s: %w", fieldCorrelation, fieldTimestampFallback, err)
	}
	return parseStateSettings(conf.Namespace(fieldState), &s.State)
}

func parseStateSettings(c *service.ParsedConfig, st *engine.StateSettings) error {
	var err error
	if st.Path, err = c.FieldString(fieldStatePath); err != nil {
		return err
	}
	if st.SaveInterval, err = c.FieldDuration(fieldStateSaveInterval); err != nil {
		return err
	}
	if st.SaveInterval < time.Second {
		return fmt.Errorf("%s.%s: must be at least 1s", fieldState, fieldStateSaveInterval)
	}
	if st.Restore, err = c.FieldString(fieldStateRestore); err != nil {
		return err
	}
	seq, err := c.FieldInt(fieldReplayFromSequence)
	if err != nil {
		return err
	}
	if seq < 0 {
		return fmt.Errorf("%s.%s: must not be negative", fieldState, fieldReplayFromSequence)
	}
	st.ReplayFromSequence = uint64(seq)
	text, err := c.FieldString(fieldReplayFromTime)
	if err != nil {
		return err
	}
	if text != "" {
		if st.ReplayFromTime, err = time.Parse(time.RFC3339Nano, text); err != nil {
			return fmt.Errorf("%s.%s: %q is not an RFC 3339 time", fieldState, fieldReplayFromTime, text)
		}
	}
	st.ReplayFromLatest, err = c.FieldBool(fieldReplayFromLatest)
	return err
}
