package sigma

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
)

// flattenAll turns SigmaHQ regression_data JSON (one or more rendered
// Windows events, nested Event.System / Event.EventData) into flat events
// with SigmaHQ field names, as conformance-notes.md §J describes.
func flattenAll(t *testing.T, data []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []string
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			return out
		}
		out = append(out, flattenOne(doc))
	}
}

func flattenOne(doc map[string]any) string {
	ev, _ := doc["Event"].(map[string]any)
	out := map[string]any{}
	if ed, ok := ev["EventData"].(map[string]any); ok {
		for k, v := range ed {
			out[k] = v
		}
	}
	if ud, ok := ev["UserData"].(map[string]any); ok {
		for _, sub := range ud {
			if m, ok := sub.(map[string]any); ok {
				for k, v := range m {
					out[k] = v
				}
			}
		}
	}
	if sys, ok := ev["System"].(map[string]any); ok {
		for _, k := range []string{"EventID", "Channel", "Computer"} {
			if v, ok := sys[k]; ok {
				out[k] = v
			}
		}
		if p, ok := sys["Provider"].(map[string]any); ok {
			if a, ok := p["#attributes"].(map[string]any); ok {
				out["Provider_Name"] = a["Name"]
			}
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// TestSigmaHQRegressionData evaluates the whole corpus against SigmaHQ's
// positive regression samples (regression_data/rules/**.json, each named
// after the rule it must fire; sigmahq.RegressionDir).
func TestSigmaHQRegressionData(t *testing.T) {
	dir := sigmahq.RegressionDir()
	_, on, off := loadCorpus(t)
	ids := map[string]bool{}
	for _, r := range on.Rules() {
		ids[r.ID] = true
	}
	total, ok, skipped := 0, 0, 0
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if !strings.HasSuffix(p, ".json") {
			return nil
		}
		id := strings.TrimSuffix(filepath.Base(p), ".json")
		if !ids[id] {
			skipped++
			return nil
		}
		data, _ := os.ReadFile(p)
		total++
		fired := false
		evs := flattenAll(t, data)
		for _, js := range evs {
			ev := newTestEvent(t, js)
			got := matchedIDs(on.Evaluate(ev, nil))
			gotOff := matchedIDs(off.Evaluate(ev, nil))
			if containsString(got, id) != containsString(gotOff, id) {
				t.Errorf("index on/off differ for %s", p)
			}
			fired = fired || containsString(got, id)
		}
		if !fired {
			t.Errorf("%s did not fire in %d events", p, len(evs))
		} else {
			ok++
		}
		return nil
	})
	if total == 0 {
		t.Fatalf("no regression samples under %s", dir)
	}
	t.Logf("fired %d/%d (skipped %d samples of rules outside the corpus)", ok, total, skipped)
}
