package correlation

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// settings are a correlation's effective runtime knobs: Options first, then
// the rule's rsigma.* custom attributes, then defaults (correlation.md §11.5).
type settings struct {
	suppress        time.Duration
	action          Action
	eventMode       EventMode
	maxEvents       int
	maxGroupEntries int
}

// attribute looks up an rsigma.* custom attribute written either flat
// (`rsigma.suppress: 5m`) or nested (`rsigma: {suppress: 5m}`).
func attribute(r *Rule, dotted string) (any, bool) {
	if v, ok := r.CustomAttribute(dotted); ok {
		return v, true
	}
	prefix, rest, ok := strings.Cut(dotted, ".")
	if !ok {
		return nil, false
	}
	if nested, ok := r.CustomAttribute(prefix); ok {
		if attrs, ok := nested.([]sigma.Attribute); ok {
			for _, a := range attrs {
				if a.Key == rest {
					return a.Value, true
				}
			}
		}
	}
	return nil, false
}

// attributeText renders a scalar attribute value as text.
func attributeText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func attrErr(key string, format string, args ...any) error {
	return errAt("custom_attributes."+key, format, args...)
}

// resolveSettings computes a correlation's settings.
func resolveSettings(r *Rule, o *Options) (settings, error) {
	s := settings{suppress: o.Suppress, action: o.Action, eventMode: o.EventMode,
		maxEvents: o.MaxCorrelationEvents, maxGroupEntries: o.MaxGroupEntries}
	text := func(key string) (string, bool, error) {
		v, ok := attribute(r, key)
		if !ok {
			return "", false, nil
		}
		t, ok := attributeText(v)
		if !ok {
			return "", false, attrErr(key, "expected a scalar value")
		}
		return t, true, nil
	}
	var err error
	if t, ok, e := text("rsigma.suppress"); e != nil {
		return s, e
	} else if ok && s.suppress == 0 {
		if s.suppress, err = ParseTimespan(t); err != nil {
			return s, attrErr("rsigma.suppress", "%v", err)
		}
	}
	if t, ok, e := text("rsigma.action"); e != nil {
		return s, e
	} else if ok && s.action == ActionUnset {
		if s.action, err = ParseAction(t); err != nil {
			return s, attrErr("rsigma.action", "%v", err)
		}
	}
	if t, ok, e := text("rsigma.correlation_event_mode"); e != nil {
		return s, e
	} else if ok && s.eventMode == EventModeUnset {
		if s.eventMode, err = ParseEventMode(t); err != nil {
			return s, attrErr("rsigma.correlation_event_mode", "%v", err)
		}
	}
	for _, k := range []struct {
		key string
		dst *int
	}{{"rsigma.max_correlation_events", &s.maxEvents}, {"rsigma.max_group_entries", &s.maxGroupEntries}} {
		t, ok, e := text(k.key)
		if e != nil {
			return s, e
		}
		if ok && *k.dst == 0 {
			n, err := strconv.Atoi(t)
			if err != nil || n < 1 {
				return s, attrErr(k.key, "expected a positive integer, got %q", t)
			}
			*k.dst = n
		}
	}
	if s.action == ActionUnset {
		s.action = ActionAlert
	}
	if s.eventMode == EventModeUnset {
		s.eventMode = EventModeNone
	}
	if s.maxEvents == 0 {
		s.maxEvents = DefaultMaxCorrelationEvents
	}
	return s, nil
}

// parseWindowAttributes sets Window and Gap from rsigma.window / rsigma.gap
// (which win) or correlation.window / correlation.gap (correlation.md §6.2).
func parseWindowAttributes(r *Rule) error {
	mode, gap := r.windowText, r.gapText
	modePath, gapPath := "correlation.window", "correlation.gap"
	for _, k := range []struct {
		key  string
		dst  *string
		path *string
	}{{"rsigma.window", &mode, &modePath}, {"rsigma.gap", &gap, &gapPath}} {
		if v, ok := attribute(r, k.key); ok {
			t, ok := v.(string)
			if !ok {
				return attrErr(k.key, "expected a string")
			}
			*k.dst, *k.path = t, "custom_attributes."+k.key
		}
	}
	switch mode {
	case "", "sliding":
		r.Window = WindowSliding
	case "tumbling":
		r.Window = WindowTumbling
	case "session":
		r.Window = WindowSession
	default:
		return errAt(modePath, "unknown window %q: expected sliding, tumbling or session", mode)
	}
	switch {
	case r.Window == WindowSession && gap == "":
		return errAt(modePath, "session window needs a gap")
	case r.Window != WindowSession && gap != "":
		return errAt(gapPath, "gap is only valid with a session window")
	case gap != "":
		d, err := ParseTimespan(gap)
		if err != nil {
			return errAt(gapPath, "%v", err)
		}
		r.Gap = d
	}
	return nil
}
