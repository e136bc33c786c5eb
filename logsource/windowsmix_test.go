package logsource

import (
	"bufio"
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/format"
	"github.com/rsigma-connect/rsigma-connect/internal/windowsmix"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// TestWindowsMixDetections runs the SigmaHQ corpus over a realistic Windows
// mix (internal/windowsmix) with routing off and on and logs detections per
// event and the rules still firing with routing on (go test -v). Rules
// that fire only on events of their own logsource keep every detection;
// the zeek rule that fires on every Windows event keeps none.
func TestWindowsMixDetections(t *testing.T) {
	e := loadCorpus(t)
	const events = 5000
	var buf bytes.Buffer
	if err := windowsmix.Write(&buf, events, 16); err != nil {
		t.Fatal(err)
	}
	rec := New(Options{Field: e.Fields().Intern})
	rules := e.Rules()
	rt := NewRouter(rec, logsources(rules))
	dec, err := format.New(format.Options{Format: format.JSON})
	if err != nil {
		t.Fatal(err)
	}
	ev := sigma.NewJSONEvent(e.Fields())
	off, on := map[*sigma.Rule]int{}, map[*sigma.Rule]int{}
	offTotal, onTotal := 0, 0
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		err := dec.Decode(sc.Bytes(), func(d format.Decoded) error {
			if err := ev.Reset(d.JSON); err != nil {
				return err
			}
			sel := rt.Select(rec.Recognize(ev))
			for _, m := range e.Evaluate(ev, nil) {
				off[m.Rule]++
				offTotal++
				if sel.Has(ruleIndex(rules, m.Rule)) {
					on[m.Rule]++
					onTotal++
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d events: %d detections without routing (%.3f per event), %d with (%.3f per event)",
		events, offTotal, float64(offTotal)/events, onTotal, float64(onTotal)/events)
	t.Logf("without routing, top rules:\n%s", topRules(off, 12))
	t.Logf("with routing, top rules:\n%s", topRules(on, 12))
	if onTotal >= offTotal {
		t.Errorf("routing removed no detection (%d → %d)", offTotal, onTotal)
	}
	// Rules whose every detection in the mix is on an event of their own
	// logsource lose none.
	for _, title := range []string{
		"Failed Logon From Public IP",                                     // security
		"Windows Defender Threat Detected",                                // windefend
		"PsExec Service Installation",                                     // system
		"RestrictedAdminMode Registry Value Tampering",                    // registry_set on Sysmon 13
		"Office Application Initiated Network Connection To Non-Local IP", // network_connection on Sysmon 3
	} {
		r := ruleByTitle(t, rules, title)
		if off[r] == 0 || on[r] != off[r] {
			t.Errorf("%s: %d detections with routing, %d without", title, on[r], off[r])
		}
	}
	// The zeek rule that fires on every event is gone.
	if r := ruleByTitle(t, rules, "Publicly Accessible RDP Service"); off[r] != events || on[r] != 0 {
		t.Errorf("Publicly Accessible RDP Service: %d detections with routing, %d without", on[r], off[r])
	}
}

func ruleByTitle(t *testing.T, rules []*sigma.Rule, title string) *sigma.Rule {
	t.Helper()
	for _, r := range rules {
		if r.Title == title {
			return r
		}
	}
	t.Fatalf("no rule titled %q", title)
	return nil
}

func ruleIndex(rules []*sigma.Rule, r *sigma.Rule) int {
	for i, x := range rules {
		if x == r {
			return i
		}
	}
	panic("rule not in the engine")
}

func topRules(counts map[*sigma.Rule]int, n int) string {
	type rc struct {
		r *sigma.Rule
		n int
	}
	var list []rc
	for r, c := range counts {
		list = append(list, rc{r, c})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].r.Title < list[j].r.Title
	})
	var b strings.Builder
	for i, x := range list {
		if i == n {
			break
		}
		ls := x.r.Logsource
		fmt.Fprintf(&b, "  %5d  %s (%s/%s/%s)\n", x.n, x.r.Title, ls.Product, ls.Service, ls.Category)
	}
	return b.String()
}
