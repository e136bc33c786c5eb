package correlation

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Action is what happens to a group's window after an emitted result.
type Action uint8

// Actions (correlation.md §11.3). ActionUnset means "not configured".
const (
	ActionUnset Action = iota
	ActionAlert
	ActionReset
)

// ParseAction parses "alert" or "reset".
func ParseAction(s string) (Action, error) {
	switch s {
	case "alert":
		return ActionAlert, nil
	case "reset":
		return ActionReset, nil
	}
	return ActionUnset, fmt.Errorf("invalid action %q: expected alert or reset", s)
}

// EventMode selects what a correlation stores about contributing events.
type EventMode uint8

// Event modes (correlation.md §12). EventModeUnset means "not configured".
const (
	EventModeUnset EventMode = iota
	EventModeNone
	EventModeFull
	EventModeRefs
)

// ParseEventMode parses a --correlation-event-mode value, case-insensitive,
// with the aliases off/false (none), true (full) and references (refs).
func ParseEventMode(s string) (EventMode, error) {
	switch strings.ToLower(s) {
	case "none", "off", "false":
		return EventModeNone, nil
	case "full", "true":
		return EventModeFull, nil
	case "refs", "references":
		return EventModeRefs, nil
	}
	return EventModeUnset, fmt.Errorf("invalid correlation event mode %q: expected none, full or refs", s)
}

// TimestampFallback decides what happens to an event without a parsable
// timestamp (correlation.md §10.2).
type TimestampFallback uint8

// Fallbacks; the zero value is wall-clock time.
const (
	FallbackWallclock TimestampFallback = iota
	FallbackSkip
)

// ParseTimestampFallback parses "wallclock" or "skip".
func ParseTimestampFallback(s string) (TimestampFallback, error) {
	switch s {
	case "wallclock":
		return FallbackWallclock, nil
	case "skip":
		return FallbackSkip, nil
	}
	return 0, fmt.Errorf("invalid timestamp fallback %q: expected wallclock or skip", s)
}

// DefaultTimestampFields is the default timestamp lookup list.
var DefaultTimestampFields = []string{"@timestamp", "timestamp", "EventTime", "TimeCreated", "eventTime"}

// Default limits.
const (
	DefaultMaxStateEntries      = 100000
	DefaultMaxCorrelationEvents = 10
)

// Options are the engine-wide settings (the daemon's flags). A zero field
// means "unset": the per-correlation custom attribute, if any, applies, else
// the default. A set field beats the attribute (CLI precedence).
type Options struct {
	Suppress             time.Duration // 0 = unset
	Action               Action
	EventMode            EventMode
	MaxCorrelationEvents int // 0 = unset (default 10)
	MaxGroupEntries      int // 0 = unset (unbounded)
	// MaxStateEntries caps live groups across all correlations (0 = 100000).
	MaxStateEntries int
	// TimestampFields are prepended to the default lookup list, in order.
	TimestampFields   []string
	TimestampFallback TimestampFallback
	// IncludeMissingGroups keeps contributions whose group-by fields are
	// missing (rsigma behaviour) instead of skipping them.
	IncludeMissingGroups bool
	// Now returns the wall-clock time (time.Now when nil).
	Now func() time.Time
	// OnEvict is called after the state cap forced evictions, with the
	// number of groups dropped, the cap and the groups left. When nil a
	// warning goes to Logger.
	OnEvict func(evicted, limit, remaining int)
	// OnLate, when set, is called by Process for every late contribution
	// (see Late), dropped or accepted.
	OnLate func(Late)
	// Logger receives eviction warnings when OnEvict is nil (slog.Default
	// when nil).
	Logger *slog.Logger
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.Default()
}

func (o *Options) maxStateEntries() int {
	if o.MaxStateEntries > 0 {
		return o.MaxStateEntries
	}
	return DefaultMaxStateEntries
}
