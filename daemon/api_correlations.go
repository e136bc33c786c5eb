package daemon

import (
	"strings"
	"time"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// mountCorrelations registers GET /api/v1/correlations and
// /api/v1/correlations/state, read from the live engine (http-api.md §5).
func (d *daemon) mountCorrelations() {
	server.HandleCorrelations(d.mux, server.Correlations{List: d.correlationList, State: d.correlationState})
}

func (d *daemon) correlationList() []server.CorrelationInfo {
	var out []server.CorrelationInfo
	d.hub.InspectCorrelations(func(ce *correlation.Engine) {
		for _, s := range ce.Summaries() {
			out = append(out, correlationInfo(s))
		}
	})
	return out
}

// correlationState filters under the engine's lock and converts outside it.
func (d *daemon) correlationState(q server.CorrelationQuery) ([]server.CorrelationInfo, []server.CorrelationGroup) {
	var (
		sums   []correlation.Summary
		groups []correlation.GroupState
		clock  int64
	)
	keepRule := func(r *correlation.Rule) bool { return q.ID == "" || q.ID == r.ID || q.ID == r.Name || q.ID == r.Title }
	filter := correlation.GroupFilter{Rule: keepRule}
	if q.Group != "" {
		filter.Group = func(key []correlation.GroupPair) bool {
			return strings.Contains(server.GroupKeyDisplay(groupKey(key)), q.Group)
		}
	}
	d.hub.InspectCorrelations(func(ce *correlation.Engine) {
		sums, groups, clock = ce.Summaries(), ce.Groups(filter), ce.Clock()
	})
	var infos []server.CorrelationInfo
	for _, s := range sums {
		if keepRule(s.Rule) {
			infos = append(infos, correlationInfo(s))
		}
	}
	out := make([]server.CorrelationGroup, len(groups))
	for i, g := range groups {
		out[i] = correlationGroup(g, clock)
	}
	return infos, out
}

func correlationInfo(s correlation.Summary) server.CorrelationInfo {
	r := s.Rule
	return server.CorrelationInfo{Index: s.Index, ID: r.ID, Name: r.Name, Title: r.Title, Type: r.Type.String(),
		TimespanSecs: int64(r.Timespan / time.Second), GroupBy: nonNilStrings(r.GroupBy),
		RuleRefs: nonNilStrings(r.Refs), Threshold: s.Threshold, ActiveGroups: s.ActiveGroups}
}

func groupKey(pairs []correlation.GroupPair) []server.GroupKeyPart {
	out := make([]server.GroupKeyPart, len(pairs))
	for i, p := range pairs {
		out[i] = server.GroupKeyPart{Field: p.Field, Value: p.Value}
	}
	return out
}

// correlationGroup converts one group's state; clock is the engine's time
// (Unix ms) the durations are measured from.
func correlationGroup(g correlation.GroupState, clock int64) server.CorrelationGroup {
	r := g.Rule
	key := groupKey(g.Group)
	out := server.CorrelationGroup{CorrelationIndex: g.Index, CorrelationID: r.ID, CorrelationName: r.Name,
		CorrelationTitle: r.Title, Type: r.Type.String(), GroupKey: key, GroupKeyDisplay: server.GroupKeyDisplay(key),
		Threshold: r.Condition.String(), Met: g.Met, Entries: g.Entries, LastEvent: seconds(g.LastEvent),
		WindowStart: seconds(g.WindowStart), WindowEnd: seconds(g.WindowEnd),
		TimespanSecs: int64(r.Timespan / time.Second), SecondsToEvict: seconds(max(0, g.EvictAt-clock))}
	if g.HasValue {
		out.Got = &g.Value
	}
	if g.Entries > 0 {
		out.Earliest, out.Latest = ptr(seconds(g.Earliest)), ptr(seconds(g.Latest))
	}
	if g.Alerted {
		out.LastAlert = ptr(seconds(g.LastAlert))
	}
	if g.Suppress > 0 {
		out.SuppressSecs = ptr(g.Suppress.Seconds())
		left := 0.0
		if g.Alerted {
			left = seconds(max(0, g.LastAlert+g.Suppress.Milliseconds()-clock))
		}
		out.SuppressionLeft = &left
	}
	return out
}

// seconds converts Unix ms to seconds.
func seconds(ms int64) float64 { return float64(ms) / 1000 }

func ptr[T any](v T) *T { return &v }

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
