package engine

import (
	"bytes"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// EventExplanation explains one event of an explained line: for each rule
// considered, whether it matched and why (sigma.Explanation), what logsource
// routing did with it, and for which correlations and groups the event
// would be late.
type EventExplanation struct {
	// Event is the decoded event as JSON (what `include_event` would put in
	// a result).
	Event []byte
	// Rules are the explanations of the rules considered, in rule order.
	Rules []sigma.Explanation
	// Routing[i] is what logsource routing did with Rules[i].
	Routing []RouteVerdict
	// Late lists the correlation contributions of the event that would be
	// late against the live correlation state (correlation.Engine.Lateness,
	// docs/correlation.md "Late and out-of-order events"); nil when none
	// would be.
	Late []correlation.Late
}

// RouteVerdict is what logsource routing did with a rule for one event.
type RouteVerdict struct {
	// Skipped is set when routing kept the rule from evaluation: the
	// event's recognized logsource is not the rule's.
	Skipped bool
	// Reason says why (the event's logsource and the rule's), or that
	// routing is off.
	Reason string
}

// routingOff is the Reason of every RouteVerdict while the evaluator does
// not route by logsource.
const routingOff = "logsource routing is off: every rule is considered"

// Explain decodes l as Evaluate would and explains each resulting event
// (jq and JSONPath may yield several) against the active rules, for the
// rules keep selects (nil: every rule). It changes no state: the event is
// not fed to correlation. A non-nil error is the line's decoding error
// (ErrParse wrapped with what failed). Explain costs far more than
// Evaluate (every selected rule is traced in full); it is for operators
// asking why, not for the stream.
func (e *Evaluator) Explain(l Line, keep func(*sigma.Rule) bool) ([]EventExplanation, error) {
	st := e.state.Load()
	if l.Err != nil || len(bytes.TrimSpace(l.Text)) == 0 {
		return nil, l.Err
	}
	var out []EventExplanation
	_, err := e.decodeEach(st, &l, l.Text, func(d decoded) {
		defer d.release()
		x := EventExplanation{Event: bytes.Clone(d.json), Rules: st.Engine.Explain(d.event, keep)}
		x.Routing = st.routeVerdicts(d.event, x.Rules)
		x.Late = e.corr.lateness(st, d)
		out = append(out, x)
	})
	return out, err
}

// routeVerdicts reports, per explained rule, whether logsource routing
// skips it on ev and why (State.ExplainRouting, routing_explain.go).
func (st *State) routeVerdicts(ev sigma.Event, rules []sigma.Explanation) []RouteVerdict {
	out := make([]RouteVerdict, len(rules))
	for i := range out {
		if !st.routing.on {
			out[i].Reason = routingOff
			continue
		}
		v := st.ExplainRouting(ev, rules[i].Rule)
		out[i].Skipped = v.Skipped()
		if v.Skipped() {
			out[i].Reason = "skipped by logsource routing: " + v.Reason
		} else {
			out[i].Reason = "fits the event's logsource (" + v.Recognized.String() + ")"
		}
	}
	return out
}

// lateness returns the correlation contributions of d that would be late
// against the live state, computed under the lock that serialises
// correlation with evaluation. The event's correlation hits are those of
// its full rule matches, as apply computes them.
func (c *correlationStep) lateness(st *State, d decoded) []correlation.Late {
	ce := st.Correlation
	if ce.Len() == 0 || c.fleet != nil {
		return nil
	}
	var hits []int
	for _, m := range st.detect(d.event, nil) { // the detections correlation sees: routed
		if idx := ce.Index(m.Rule); ce.Routed(idx) {
			hits = append(hits, idx)
		}
	}
	if len(hits) == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ce != c.current {
		return nil // a reload replaced st meanwhile
	}
	return ce.Lateness(correlation.Input{Event: d.event, Hits: hits, Body: d.json})
}
