package sigma

import (
	"strings"
	"testing"
)

// explainLaneSize is how many events of each lane are explained against
// the whole corpus (every rule traced in full: about a millisecond each).
const explainLaneSize = 60

// checkExplained holds the explanations of one event to the engine: the
// verdict is the engine's (with the index and without), the traced
// conditions agree with it, the search identifiers the engine reports are
// the traced ones that hold, and the index's verdict is explained without
// contradiction (a skipped rule never matches, a decided one always does).
func checkExplained(t *testing.T, what string, on, off *Engine, ev Event, xs []Explanation) (matched, skipped int) {
	t.Helper()
	withIndex, without := map[*Rule]Match{}, map[*Rule]bool{}
	for _, m := range on.Evaluate(ev, nil) {
		withIndex[m.Rule] = m
	}
	for _, m := range off.Evaluate(ev, nil) {
		without[m.Rule] = true
	}
	if len(xs) != len(on.Rules()) {
		t.Fatalf("%s: %d explanations for %d rules", what, len(xs), len(on.Rules()))
	}
	for _, x := range xs {
		name := x.Rule.File + ": " + x.Rule.Title
		m, ok := withIndex[x.Rule]
		if x.Matched != ok || x.Matched != without[offTwin(off, x.Rule)] {
			t.Fatalf("%s: %s: explained %v, engine %v", what, name, x.Matched, ok)
		}
		holds := false
		for _, c := range x.Conditions {
			holds = holds || c.Holds
		}
		if holds != x.Matched {
			t.Fatalf("%s: %s: conditions hold %v, verdict %v", what, name, holds, x.Matched)
		}
		if strings.HasPrefix(x.Index.Reason, "internal error") || x.Index.Reason == "" {
			t.Fatalf("%s: %s: index reason %q", what, name, x.Index.Reason)
		}
		if x.Index.Skipped && x.Matched || x.Index.Decided && !x.Matched {
			t.Fatalf("%s: %s: index %+v, matched %v", what, name, x.Index, x.Matched)
		}
		if x.Index.Skipped {
			skipped++
		}
		if !x.Matched {
			continue
		}
		matched++
		for _, sel := range m.Selections {
			found := false
			for _, s := range x.Searches {
				found = found || s.Name == sel && s.Holds
			}
			if !found {
				t.Fatalf("%s: %s: the engine reports selection %s, the trace has it false", what, name, sel)
			}
		}
	}
	return matched, skipped
}

// offTwin is the rule of the index-less engine at the same position.
func offTwin(off *Engine, r *Rule) *Rule { return r } // both engines share the rule model

func TestExplainAgreesWithTheEngineOnTheLanes(t *testing.T) {
	_, on, off := loadCorpus(t)
	for _, lane := range []string{"sysmon_proc", "syslog_raw"} {
		lines := generatedLane(t, lane, explainLaneSize)
		ev := NewJSONEvent(on.Fields())
		matched, skipped := 0, 0
		for i, l := range lines {
			if err := ev.Reset(l); err != nil {
				t.Fatal(err)
			}
			m, s := checkExplained(t, lane+" event "+string(rune('0'+i%10)), on, off, ev, on.Explain(ev, nil))
			matched, skipped = matched+m, skipped+s
		}
		if matched == 0 || skipped == 0 {
			t.Fatalf("%s: %d matches, %d index skips: the check proves nothing", lane, matched, skipped)
		}
		t.Logf("%s: %d events, %d rule matches explained, %d index skips explained", lane, len(lines), matched, skipped)
	}
}

// The events of TestCorpusRulesFireOnSampleEvents, and the rules they are
// written for: explained as the engine decides, with the item-level detail.
func TestExplainSigmaHQRule(t *testing.T) {
	_, on, off := loadCorpus(t)
	const whoamiAll = "c248c896-e412-4279-8c15-1c558067b6fa"
	keep := func(r *Rule) bool { return r.ID == whoamiAll }

	ev := newTestEvent(t, `{"Image":"C:\\Temp\\w.exe","OriginalFileName":"whoami.exe","CommandLine":"w.exe /all"}`)
	checkExplained(t, "whoami /all", on, off, ev, on.Explain(ev, nil))
	xs := on.Explain(ev, keep)
	if len(xs) != 1 || !xs[0].Matched || xs[0].Index.Skipped {
		t.Fatalf("explanations %+v", xs)
	}
	var sel *SearchTrace
	for i := range xs[0].Searches {
		if xs[0].Searches[i].Name == "selection_main_img" {
			sel = &xs[0].Searches[i]
		}
	}
	if sel == nil || !sel.Holds {
		t.Fatalf("selection_main_img: %+v", xs[0].Searches)
	}
	// selection_main_img is Image|endswith or OriginalFileName: the second group
	// holds, with the event's value and the value that matched.
	var ofn *ItemTrace
	for _, g := range sel.Groups {
		for i := range g.Items {
			if g.Items[i].Field == "OriginalFileName" {
				ofn = &g.Items[i]
			}
		}
	}
	if ofn == nil || !ofn.Holds || string(ofn.Event) != `"whoami.exe"` || len(ofn.ValueHolds) != 1 || !ofn.ValueHolds[0] {
		t.Fatalf("OriginalFileName item: %+v", ofn)
	}

	benign := newTestEvent(t, `{"Image":"C:\\Windows\\System32\\certutil.exe","CommandLine":"certutil -hashfile a.txt"}`)
	xs = on.Explain(benign, keep)
	if len(xs) != 1 || xs[0].Matched || !xs[0].Index.Skipped ||
		!strings.Contains(xs[0].Index.Reason, "the rule needs one of these and the event has none") {
		t.Fatalf("benign event: %+v", xs)
	}
	if off.Explain(benign, keep)[0].Index.Reason != "no candidate index: every rule is evaluated" {
		t.Fatal("without the index the reason must say so")
	}
}
