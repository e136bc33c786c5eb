package main

import (
	"bytes"
	"encoding/json"
	"sort"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
)

// regressionSample is one record of a SigmaHQ regression sample file, whose
// name is the id of the rule it must fire.
type regressionSample struct {
	ruleID  string
	pretty  []byte // as the file holds it
	compact []byte
}

// regressionSamples reads the records of SigmaHQ's regression samples
// (sigmahq.RegressionDir: testdata/sigma-regression).
func regressionSamples(t *testing.T) []regressionSample {
	t.Helper()
	records, err := sigmahq.RegressionRecords()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]regressionSample, 0, len(records))
	for _, r := range records {
		var pretty, compact bytes.Buffer
		if err := json.Indent(&pretty, r.JSON, "", "  "); err != nil {
			t.Fatalf("%s: %v", r.Rule, err)
		}
		if err := json.Compact(&compact, r.JSON); err != nil {
			t.Fatalf("%s: %v", r.Rule, err)
		}
		out = append(out, regressionSample{r.Rule, pretty.Bytes(), compact.Bytes()})
	}
	return out
}

// canonicalEvent is the nested record under `Event` as canonical JSON.
func canonicalEvent(t *testing.T, doc []byte) string {
	t.Helper()
	var v struct{ Event any }
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("%v: %s", err, doc)
	}
	b, _ := json.Marshal(v.Event)
	return string(b)
}

// TestDaemonRegressionSamplesFireWithRouting: every SigmaHQ regression
// sample fires its rule through the built daemon with --logsource-routing,
// pretty-printed records with --input-format json and compact NDJSON alike.
func TestDaemonRegressionSamplesFireWithRouting(t *testing.T) {
	samples := regressionSamples(t)
	wantByEvent := map[string]map[string]bool{}
	ids := map[string]bool{}
	for _, s := range samples {
		c := canonicalEvent(t, s.compact)
		if wantByEvent[c] == nil {
			wantByEvent[c] = map[string]bool{}
		}
		wantByEvent[c][s.ruleID] = true
		ids[s.ruleID] = true
	}
	for _, layout := range []string{"pretty", "ndjson"} {
		for _, routing := range []bool{false, true} {
			var in bytes.Buffer
			for _, s := range samples {
				if layout == "pretty" {
					in.Write(s.pretty)
				} else {
					in.Write(s.compact)
				}
				in.WriteByte('\n')
			}
			args := []string{"engine", "daemon", "-r", sigmahq.Dir(), "--input-format", "json", "--include-event", "--api-addr", "127.0.0.1:0"}
			if routing {
				args = append(args, "--logsource-routing")
			}
			out, stderr, code := daemontest.Run(t, in.String(), args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			fired := map[string]bool{}
			results := daemontest.Lines(out)
			for _, l := range results {
				var r struct {
					RuleID string          `json:"rule_id"`
					Event  json.RawMessage `json:"event"`
				}
				if err := json.Unmarshal([]byte(l), &r); err != nil {
					t.Fatal(err)
				}
				if len(r.Event) == 0 { // a correlation result
					continue
				}
				if wantByEvent[canonicalEvent(t, r.Event)][r.RuleID] {
					fired[r.RuleID] = true
				}
			}
			var missed []string
			for id := range ids {
				if !fired[id] {
					missed = append(missed, id)
				}
			}
			sort.Strings(missed)
			t.Logf("%s, routing %v: %d/%d samples fire their rule; %d detections on %d records", layout, routing, len(fired), len(ids), len(results), len(samples))
			if len(missed) > 0 {
				t.Errorf("%s, routing %v: %d samples do not fire their rule: %v", layout, routing, len(missed), missed)
			}
		}
	}
}
