package engine

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// detailedRules is how many explained rules an event may have for every
// one of them to be written in full by WriteExplainText; with more (the
// whole rule set), only the matched rules are, the other evaluated rules
// get one line each and the skipped ones a count.
const detailedRules = 5

// WriteExplainText writes r for a person to read (`engine explain`
// without --json): per event, its verdicts, then per rule the candidate
// index's and logsource routing's verdicts, the conditions, and per
// selection, group and item the field, modifiers, the rule's values and
// the event's value, each marked true or false.
func WriteExplainText(w io.Writer, r ExplainReport) error {
	b := bufio.NewWriter(w)
	for i, ev := range r.Events {
		if i > 0 {
			fmt.Fprintln(b)
		}
		writeEventText(b, i+1, ev)
	}
	return b.Flush()
}

func writeEventText(b *bufio.Writer, n int, ev ExplainedEvent) {
	if ev.Input > 0 {
		n = ev.Input
	}
	if ev.Error != "" {
		fmt.Fprintf(b, "event %d: not explained: %s\n", n, ev.Error)
		return
	}
	s := ev.Summary
	fmt.Fprintf(b, "event %d: %s\n", n, ev.Event)
	fmt.Fprintf(b, "  %d rules: %d matched, %d evaluated without a match, %d skipped by the candidate index, %d skipped by logsource routing\n",
		s.Rules, s.Matched, s.NotMatched, s.IndexSkipped, s.RoutingSkipped)
	full := len(ev.Rules) <= detailedRules
	for _, r := range ev.Rules {
		switch {
		case full || r.Matched:
			writeRuleText(b, r)
		case !r.Index.Skipped && !r.Routing.Skipped:
			fmt.Fprintf(b, "  no match   %s: %s\n", ruleLabel(r), failedConditions(r))
		}
	}
	if !full && s.IndexSkipped+s.RoutingSkipped > 0 {
		fmt.Fprintf(b, "  (%d skipped rules not listed: give --rule ID, or --json, to see why)\n", s.IndexSkipped+s.RoutingSkipped)
	}
	if len(ev.CorrelationLateness) == 0 {
		fmt.Fprintln(b, "  correlation lateness: none (on time for every correlation it feeds)")
	}
	for _, l := range ev.CorrelationLateness {
		outcome := "accepted (starts its group afresh)"
		if l.Dropped {
			outcome = "dropped (behind the group's window)"
		}
		fmt.Fprintf(b, "  correlation lateness: %s group %v at %s: late, %s\n", l.Rule, l.Group, l.EventTime, outcome)
	}
}

func ruleLabel(r ExplainedRule) string {
	return fmt.Sprintf("%s %q (%s)", r.ID, r.Title, r.File)
}

// failedConditions names the conditions of a rule that did not match.
func failedConditions(r ExplainedRule) string {
	parts := make([]string, len(r.Conditions))
	for i, c := range r.Conditions {
		parts[i] = "condition " + c.Expr + " is false"
	}
	return strings.Join(parts, "; ")
}

func writeRuleText(b *bufio.Writer, r ExplainedRule) {
	verdict := "NO MATCH"
	switch {
	case r.Matched:
		verdict = "MATCH"
	case r.Routing.Skipped:
		verdict = "SKIPPED"
	}
	fmt.Fprintf(b, "  %-10s %s\n", verdict, ruleLabel(r))
	fmt.Fprintf(b, "    candidate index: %s\n", r.Index.Reason)
	fmt.Fprintf(b, "    logsource routing: %s\n", r.Routing.Reason)
	for _, c := range r.Conditions {
		fmt.Fprintf(b, "    condition %s: %v\n", c.Expr, c.Holds)
	}
	for _, s := range r.Searches {
		injected := ""
		if s.Injected {
			injected = " (added by a filter or pipeline)"
		}
		fmt.Fprintf(b, "    %s%s: %v\n", s.Name, injected, s.Holds)
		for gi, g := range s.Groups {
			if len(s.Groups) > 1 {
				fmt.Fprintf(b, "      group %d: %v\n", gi+1, g.Holds)
			}
			for _, it := range g.Items {
				fmt.Fprintf(b, "        %s: %v\n", itemText(it), it.Holds)
			}
		}
	}
}

// itemText describes an item: Image|endswith ["\\whoami.exe"✓] vs
// event "C:\\Temp\\w.exe".
func itemText(it ExplainedItem) string {
	name := it.Field
	if name == "" {
		name = "keywords"
	}
	if len(it.Modifiers) > 0 {
		name += "|" + strings.Join(it.Modifiers, "|")
	}
	vals := make([]string, len(it.Values))
	for i, v := range it.Values {
		vals[i] = fmt.Sprintf("%q", v)
		if i < len(it.ValueHolds) && it.ValueHolds[i] {
			vals[i] += " (matches)"
		}
	}
	text := name + " [" + strings.Join(vals, ", ") + "]"
	switch {
	case it.Field == "":
	case it.Present:
		text += " vs event " + string(it.EventValue)
	default:
		text += " vs event: field absent"
	}
	return text
}
