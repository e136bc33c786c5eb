package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/lanes"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// explainLaneEvents is how many events of each lane are explained against
// the whole corpus (every rule traced in full: milliseconds per event).
const explainLaneEvents = 40

// TestExplainVerdictsEqualTheEngine: on the lanes and the SigmaHQ corpus,
// the rules Explain reports as matched for each event are exactly the
// detections Evaluate emits for it, and every rule's index verdict agrees
// with its outcome.
func TestExplainVerdictsEqualTheEngine(t *testing.T) {
	for _, routing := range []bool{false, true} {
		t.Run("logsource routing "+onOff(routing), func(t *testing.T) {
			explainLanesAsTheEngine(t, routing)
		})
	}
}

// explainLanesAsTheEngine compares explain's matched rules with the
// engine's detections on every lane, with logsource routing on or off.
func explainLanesAsTheEngine(t *testing.T, routing bool) {
	e := newTestEvaluator(t, Settings{Rules: []string{sigmahq.Dir()}, InputFormat: "auto", LogsourceRouting: routing})
	for _, lane := range lanes.All {
		lines, err := lanes.Lines(lane, explainLaneEvents)
		if err != nil {
			t.Fatal(err)
		}
		matched, skipped := 0, 0
		for i, line := range lines {
			what := fmt.Sprintf("%s event %d", lane, i)
			want := detectedRules(t, e, line)
			xs, err := e.Explain(Line{Text: line}, nil)
			if err != nil || len(xs) != 1 {
				t.Fatalf("%s: %d explanations, error %v", what, len(xs), err)
			}
			report := Report(xs).Events[0]
			if !slices.Equal(report.Matched, want) {
				t.Fatalf("%s: explain matched %v, the engine detected %v", what, report.Matched, want)
			}
			for _, r := range report.Rules {
				if r.Index.Skipped && r.Matched || r.Index.Decided && !r.Matched && !r.Routing.Skipped || strings.HasPrefix(r.Index.Reason, "internal error") {
					t.Fatalf("%s: %s: index %+v contradicts matched=%v", what, r.ID, r.Index, r.Matched)
				}
			}
			matched += report.Summary.Matched
			skipped += report.Summary.IndexSkipped
		}
		if matched == 0 || skipped == 0 {
			t.Fatalf("%s: %d matches, %d index skips: the comparison proves nothing", lane, matched, skipped)
		}
		t.Logf("%s: %d events, %d detections and %d index skips explained as the engine decided", lane, len(lines), matched, skipped)
	}
}

// detectedRules evaluates one line and returns the rule ids of its
// detections, in the order emitted (rule order).
func detectedRules(t *testing.T, e *Evaluator, line []byte) []string {
	t.Helper()
	ids := []string{}
	for _, o := range e.Evaluate(context.Background(), []Line{{Text: line}}, nil) {
		if o.Err != nil {
			t.Fatalf("%s: %v", line, o.Err)
		}
		var r struct {
			ID string `json:"rule_id"`
		}
		if err := json.Unmarshal(o.JSON, &r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

// TestExplainSigmaHQRule: one SigmaHQ rule, selected by id, fires on one
// event and not on another; the text names the item that decided it.
func TestExplainSigmaHQRule(t *testing.T) {
	const whoamiAll = "c248c896-e412-4279-8c15-1c558067b6fa"
	e := newTestEvaluator(t, Settings{Rules: []string{sigmahq.Dir()}, InputFormat: "json"})
	keep := func(r *sigma.Rule) bool { return r.ID == whoamiAll }
	for _, c := range []struct {
		event   string
		matched bool
		text    []string
	}{
		{`{"Image":"C:\\Temp\\w.exe","OriginalFileName":"whoami.exe","CommandLine":"w.exe /all"}`, true,
			[]string{"MATCH      " + whoamiAll, `OriginalFileName ["whoami.exe" (matches)] vs event "whoami.exe": true`}},
		{`{"Image":"C:\\Windows\\System32\\certutil.exe","CommandLine":"certutil -hashfile a.txt"}`, false,
			[]string{"NO MATCH   " + whoamiAll, "candidate index: the rule needs one of these and the event has none"}},
	} {
		xs, err := e.Explain(Line{Text: []byte(c.event)}, keep)
		if err != nil || len(xs) != 1 || len(xs[0].Rules) != 1 || xs[0].Rules[0].Matched != c.matched {
			t.Fatalf("%s: %+v, %v", c.event, xs, err)
		}
		var b bytes.Buffer
		if err := WriteExplainText(&b, Report(xs)); err != nil {
			t.Fatal(err)
		}
		for _, want := range c.text {
			if !strings.Contains(b.String(), want) {
				t.Errorf("%s: the text lacks %q:\n%s", c.event, want, b.String())
			}
		}
	}
}

// TestExplainShowsCorrelationLateness: after events up to 00:10 for a
// group, an event of 00:01 for that group would be dropped, and Explain
// says so without feeding it to the correlation.
func TestExplainShowsCorrelationLateness(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yml"), []byte(fixture(t, "brute.yml")), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newTestEvaluator(t, Settings{Rules: []string{dir}, InputFormat: "json"})
	logon := func(at string) []byte {
		return []byte(`{"EventID":4625,"TargetUserName":"bob","@timestamp":"2026-01-01T00:` + at + `Z"}`)
	}
	e.Evaluate(context.Background(), []Line{{Text: logon("09:00")}, {Text: logon("10:00")}}, nil)
	late := Line{Text: logon("01:00")}
	for range 2 { // twice: the first Explain must not have fed the event
		xs, err := e.Explain(late, nil)
		if err != nil || len(xs) != 1 {
			t.Fatal(xs, err)
		}
		ls := Report(xs).Events[0].CorrelationLateness
		if len(ls) != 1 || ls[0].Rule != "brute-force" || !ls[0].Dropped || ls[0].Group["TargetUserName"] != "bob" ||
			ls[0].EventTime != "2026-01-01T00:01:00Z" {
			t.Fatalf("lateness %+v", ls)
		}
	}
	xs, _ := e.Explain(Line{Text: logon("11:00")}, nil)
	if ls := Report(xs).Events[0].CorrelationLateness; len(ls) != 0 {
		t.Fatalf("an on-time event is reported late: %+v", ls)
	}
}
