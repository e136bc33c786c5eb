package sigma

// Explanation says whether one rule matched one event, and why: what the
// candidate index did with it, which conditions hold, and per search
// identifier, group and item, what was compared with what.
type Explanation struct {
	Rule *Rule
	// Matched is the engine's verdict: the rule is among what Evaluate
	// returns for the event.
	Matched bool
	// Index is what the candidate index decided before evaluation.
	Index IndexVerdict
	// Conditions are the rule's conditions in order; it matches when one
	// holds.
	Conditions []ConditionTrace
	// Searches are the search identifiers in rule order, those injected by
	// filters and pipelines last.
	Searches []SearchTrace
}

// ConditionTrace is one `condition:` entry (with what filters and
// pipelines added to it) and whether it holds.
type ConditionTrace struct {
	Expr  string
	Holds bool
}

// SearchTrace is one search identifier: it holds when one of its groups
// does.
type SearchTrace struct {
	Name string
	// Injected marks an identifier a filter or pipeline added.
	Injected bool
	Holds    bool
	Groups   []GroupTrace
}

// GroupTrace is one AND group of a search: it holds when all its items do.
type GroupTrace struct {
	Holds bool
	Items []ItemTrace
}

// ItemTrace is one detection item and the event's side of it.
type ItemTrace struct {
	// Field is "" for keyword items.
	Field     string
	Modifiers []string
	// Values are the rule's values as compiled (after pipelines), "null"
	// for the null value.
	Values []string
	// Holds is the item's verdict (with any negating modifier applied).
	Holds bool
	// Present reports whether the event has the field (not for keywords);
	// Event is then its value as JSON.
	Present bool
	Event   []byte
	// ValueHolds[i] reports whether Values[i] alone matched the event's
	// value (for keyword items: some string of the event); nil for items
	// without per-value tests (null, exists, fieldref).
	ValueHolds []bool
}

// Explain explains every rule keep selects (nil: every rule), in rule
// order. It is read-only and, like Evaluate, safe for concurrent use (but
// not with FieldTable.Intern on the engine's fields). It evaluates every
// selected rule in full and compiles it again to name the literals the
// index looks for, so it costs far more than Evaluate: tens of
// milliseconds for the SigmaHQ corpus.
func (e *Engine) Explain(ev Event, keep func(*Rule) bool) []Explanation {
	matched := map[*Rule]bool{}
	for _, m := range e.Evaluate(ev, nil) {
		matched[m.Rule] = true
	}
	index := e.indexVerdicts(ev, keep) // explain_index.go
	var out []Explanation
	for i, cr := range e.rules {
		if keep != nil && !keep(cr.rule) {
			continue
		}
		x := Explanation{Rule: cr.rule, Matched: matched[cr.rule], Index: index[i]}
		for j, c := range cr.conds {
			x.Conditions = append(x.Conditions, ConditionTrace{Expr: cr.rule.Detection.Conditions[j].Expr.String(), Holds: c.eval(cr, ev)})
		}
		for j, s := range cr.searches {
			x.Searches = append(x.Searches, traceSearch(s, cr.rule.Detection.Searches[j], ev))
		}
		out = append(out, x)
	}
	return out
}

// traceSearch evaluates every item of s (the compiled form of model).
func traceSearch(s *searchNode, model *Search, ev Event) SearchTrace {
	st := SearchTrace{Name: s.name, Injected: s.private}
	for g, items := range s.written {
		gt := GroupTrace{Holds: true}
		for k, n := range items {
			it := traceItem(n, model.Groups[g].Items[k], ev)
			gt.Holds = gt.Holds && it.Holds
			gt.Items = append(gt.Items, it)
		}
		st.Holds = st.Holds || gt.Holds
		st.Groups = append(st.Groups, gt)
	}
	return st
}

// traceItem evaluates node n, compiled from item, with the engine's own
// matchers.
func traceItem(n *itemNode, item *Item, ev Event) ItemTrace {
	t := ItemTrace{Field: item.Field, Modifiers: item.Modifiers, Holds: n.eval(ev)}
	for _, v := range item.Values {
		if v.Kind == RuleNull {
			t.Values = append(t.Values, "null")
		} else {
			t.Values = append(t.Values, v.Text)
		}
	}
	var v Value
	if n.field != nil {
		v = ev.Field(n.field)
		if t.Present = v.Kind != KindMissing; t.Present {
			t.Event = AppendValueJSON(nil, v)
		}
	}
	if (n.kind != itemValues && n.kind != itemKeywords) || len(n.values) != len(item.Values) {
		return t
	}
	t.ValueHolds = make([]bool, len(n.values))
	for i, m := range n.values {
		if n.kind == itemKeywords {
			t.ValueHolds[i] = ev.Keywords(leafMatcher{m}.leaf)
		} else {
			t.ValueHolds[i] = anyMember(&v, m)
		}
	}
	return t
}
