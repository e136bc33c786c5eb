package engine

import (
	"encoding/json"
	"time"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// ExplainReport is the JSON form of the explanations of one line
// (`engine explain --json`, POST /api/v1/explain; docs/http-api.md
// "Explain").
type ExplainReport struct {
	Events []ExplainedEvent `json:"events"`
}

// ExplainedEvent is one decoded event of the line.
type ExplainedEvent struct {
	// Input is the number of the input the event came from (1-based; set
	// by the caller that explains several).
	Input int             `json:"input,omitempty"`
	Event json.RawMessage `json:"event"`
	// Error is why the input could not be explained (it did not decode);
	// nothing else is set then.
	Error string `json:"error,omitempty"`
	// Matched lists the ids (else titles) of the rules that matched, in rule
	// order: the detections the engine emits for the event.
	Matched []string `json:"matched"`
	// Summary counts the rules considered by outcome.
	Summary             ExplainSummary  `json:"summary"`
	Rules               []ExplainedRule `json:"rules"`
	CorrelationLateness []ExplainedLate `json:"correlation_lateness"`
}

// ExplainSummary counts the explained rules: matched, evaluated without
// matching, skipped by the candidate index, skipped by logsource routing.
type ExplainSummary struct {
	Rules          int `json:"rules"`
	Matched        int `json:"matched"`
	NotMatched     int `json:"not_matched"`
	IndexSkipped   int `json:"index_skipped"`
	RoutingSkipped int `json:"routing_skipped"`
}

// ExplainedRule is one rule's verdict and its reasons.
type ExplainedRule struct {
	ID         string               `json:"id"`
	Title      string               `json:"title"`
	File       string               `json:"file"`
	Matched    bool                 `json:"matched"`
	Index      ExplainedIndex       `json:"index"`
	Routing    ExplainedRouting     `json:"logsource_routing"`
	Conditions []ExplainedCondition `json:"conditions"`
	Searches   []ExplainedSearch    `json:"selections"`
}

// ExplainedIndex is the candidate index's verdict (sigma.IndexVerdict).
type ExplainedIndex struct {
	Skipped bool   `json:"skipped"`
	Decided bool   `json:"decided"`
	Reason  string `json:"reason"`
}

// ExplainedRouting is logsource routing's verdict (RouteVerdict).
type ExplainedRouting struct {
	Skipped bool   `json:"skipped"`
	Reason  string `json:"reason"`
}

// ExplainedCondition is one condition and whether it holds.
type ExplainedCondition struct {
	Expr  string `json:"condition"`
	Holds bool   `json:"holds"`
}

// ExplainedSearch is one search identifier (selection or filter).
type ExplainedSearch struct {
	Name     string           `json:"name"`
	Injected bool             `json:"injected,omitempty"`
	Holds    bool             `json:"holds"`
	Groups   []ExplainedGroup `json:"groups"`
}

// ExplainedGroup is one AND group of a search.
type ExplainedGroup struct {
	Holds bool            `json:"holds"`
	Items []ExplainedItem `json:"items"`
}

// ExplainedItem is one detection item against the event.
type ExplainedItem struct {
	Field     string   `json:"field,omitempty"`
	Modifiers []string `json:"modifiers"`
	Values    []string `json:"values"`
	Holds     bool     `json:"holds"`
	// Present and EventValue are the event's side (absent for keywords).
	Present    bool            `json:"present"`
	EventValue json.RawMessage `json:"event_value,omitempty"`
	ValueHolds []bool          `json:"value_holds,omitempty"`
}

// ExplainedLate is one correlation contribution that would be late.
type ExplainedLate struct {
	Rule      string            `json:"correlation"`
	Group     map[string]string `json:"group"`
	EventTime string            `json:"event_time"`
	Dropped   bool              `json:"dropped"`
}

// Report converts explanations to their JSON form.
func Report(xs []EventExplanation) ExplainReport {
	r := ExplainReport{Events: make([]ExplainedEvent, 0, len(xs))}
	for _, x := range xs {
		ev := ExplainedEvent{Event: json.RawMessage(x.Event), Matched: []string{},
			Rules: make([]ExplainedRule, len(x.Rules)), CorrelationLateness: []ExplainedLate{}}
		if !json.Valid(ev.Event) {
			ev.Event, _ = json.Marshal(string(x.Event))
		}
		for i, rx := range x.Rules {
			ev.Rules[i] = reportRule(rx, x.Routing[i])
			ev.Summary.count(&ev.Rules[i])
			if ev.Rules[i].Matched {
				ev.Matched = append(ev.Matched, ruleName(rx.Rule))
			}
		}
		for _, l := range x.Late {
			ev.CorrelationLateness = append(ev.CorrelationLateness, reportLate(l))
		}
		r.Events = append(r.Events, ev)
	}
	return r
}

func (s *ExplainSummary) count(r *ExplainedRule) {
	s.Rules++
	switch {
	case r.Matched:
		s.Matched++
	case r.Routing.Skipped:
		s.RoutingSkipped++
	case r.Index.Skipped:
		s.IndexSkipped++
	default:
		s.NotMatched++
	}
}

// ruleName is a rule's id, else its title.
func ruleName(r *sigma.Rule) string {
	if r.ID != "" {
		return r.ID
	}
	return r.Title
}

func reportRule(x sigma.Explanation, route RouteVerdict) ExplainedRule {
	// A rule routing skips is never evaluated, so it does not match,
	// whatever its trace (kept for the operator) says.
	r := ExplainedRule{ID: x.Rule.ID, Title: x.Rule.Title, File: x.Rule.File, Matched: x.Matched && !route.Skipped,
		Index:      ExplainedIndex{Skipped: x.Index.Skipped, Decided: x.Index.Decided, Reason: x.Index.Reason},
		Routing:    ExplainedRouting{Skipped: route.Skipped, Reason: route.Reason},
		Conditions: make([]ExplainedCondition, len(x.Conditions)),
		Searches:   make([]ExplainedSearch, len(x.Searches))}
	for i, c := range x.Conditions {
		r.Conditions[i] = ExplainedCondition{Expr: c.Expr, Holds: c.Holds}
	}
	for i, s := range x.Searches {
		es := ExplainedSearch{Name: s.Name, Injected: s.Injected, Holds: s.Holds, Groups: make([]ExplainedGroup, len(s.Groups))}
		for j, g := range s.Groups {
			eg := ExplainedGroup{Holds: g.Holds, Items: make([]ExplainedItem, len(g.Items))}
			for k, it := range g.Items {
				eg.Items[k] = ExplainedItem{Field: it.Field, Modifiers: nonNil(it.Modifiers), Values: nonNil(it.Values),
					Holds: it.Holds, Present: it.Present, EventValue: json.RawMessage(it.Event), ValueHolds: it.ValueHolds}
			}
			es.Groups[j] = eg
		}
		r.Searches[i] = es
	}
	return r
}

func reportLate(l correlation.Late) ExplainedLate {
	group := map[string]string{}
	for _, p := range l.Group {
		group[p.Field] = p.Value
	}
	name := l.Rule.ID
	if name == "" {
		name = l.Rule.Title
	}
	return ExplainedLate{Rule: name, Group: group, Dropped: l.Dropped,
		EventTime: time.UnixMilli(l.Time).UTC().Format(time.RFC3339Nano)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
