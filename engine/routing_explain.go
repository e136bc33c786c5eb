package engine

import (
	"github.com/rsigma-connect/rsigma-connect/logsource"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// RoutingVerdict is what logsource routing decides for one event and one
// rule (docs/logsource-routing.md).
type RoutingVerdict struct {
	// Recognized is what the event reveals about its logsource.
	Recognized logsource.Recognized
	// Routing reports whether the State routes (Settings.LogsourceRouting);
	// when false, Contradicts still says what routing would do.
	Routing bool
	// Contradicts reports whether the event's recognized logsource
	// contradicts the rule's: with Routing, the rule is skipped by logsource
	// routing and never evaluated on the event.
	Contradicts bool
	// Reason names the dimension that excludes the rule when Contradicts,
	// e.g. `category "process_creation" is not in the event's {image_load}`.
	Reason string
}

// Skipped reports whether the rule is skipped by logsource routing.
func (v RoutingVerdict) Skipped() bool { return v.Routing && v.Contradicts }

// ExplainRouting recognizes ev with the State's recognizer (builtin tables
// and the -p recognition files it was loaded with) and says whether rule's
// logsource (as written in its file, RuleLogsource) fits it. ev may be any
// sigma.Event; rule need not be one of the State's. It is safe for concurrent use.
func (st *State) ExplainRouting(ev sigma.Event, rule *sigma.Rule) RoutingVerdict {
	r := st.routing
	k := r.rec.Recognize(ev)
	v := RoutingVerdict{Recognized: r.rec.Describe(k), Routing: r.on}
	v.Reason = r.rec.Contradiction(r.logsource(rule), k)
	v.Contradicts = v.Reason != ""
	return v
}
