package logsource

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/format"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

var (
	corpusOnce   sync.Once
	corpusEngine *sigma.Engine
	corpusErr    error
)

// loadCorpus compiles the SigmaHQ corpus once per test binary.
func loadCorpus(t testing.TB) *sigma.Engine {
	t.Helper()
	corpusOnce.Do(func() {
		rs, err := sigma.LoadPath(sigmahq.Dir())
		if err != nil {
			corpusErr = err
			return
		}
		corpusEngine, _, corpusErr = sigma.Compile(rs, sigma.CompileOptions{})
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpusEngine
}

func logsources(rules []*sigma.Rule) []sigma.Logsource {
	out := make([]sigma.Logsource, len(rules))
	for i, r := range rules {
		out[i] = r.Logsource
	}
	return out
}

// Every product, service and category of the SigmaHQ corpus is a name this
// package knows, so closed sets exclude rules of every SigmaHQ logsource.
func TestCorpusNamesAreKnown(t *testing.T) {
	e := loadCorpus(t)
	products, services, categories := New(Options{}).Known()
	for _, r := range e.Rules() {
		for _, d := range []struct {
			value string
			known []string
		}{{r.Logsource.Product, products}, {r.Logsource.Service, services}, {r.Logsource.Category, categories}} {
			v := strings.ToLower(d.value)
			if _, found := slices.BinarySearch(d.known, v); v != "" && !found {
				t.Errorf("%s: logsource name %q is unknown", r.File, v)
			}
		}
	}
}

// The Router's Selections agree with Fits for every corpus rule, on the
// Key of every example event of the tests.
func TestRouterAgreesWithFits(t *testing.T) {
	e := loadCorpus(t)
	f := newFixture(t)
	rules := logsources(e.Rules())
	rt := NewRouter(f.rec, rules)
	t.Logf("%d rules form %d logsource groups", len(rules), rt.Groups())
	var events []string
	for _, row := range WindowsChannels {
		for _, e := range row.Events {
			events = append(events, evtxEvent(row.Channels[0], e.IDs[0]))
		}
		events = append(events, flatEvent(row.Channels[0], 65535))
	}
	for _, ex := range shapeExamples {
		events = append(events, ex.event)
	}
	events = append(events, `{"EventID":1}`, `{"product":"linux","service":"cron"}`, `{"event":{"category":"process"}}`)
	seen := map[Key]bool{}
	for _, line := range events {
		k := f.key(line)
		if seen[k] {
			continue
		}
		seen[k] = true
		sel := rt.Select(k)
		if again := rt.Select(k); again != sel {
			t.Errorf("%s: Select is not stable", line)
		}
		n := 0
		for i, ls := range rules {
			want := f.rec.Fits(ls, k)
			if sel.Has(i) != want || rt.Fits(i, k) != want {
				t.Fatalf("%s: rule %d %+v: selected %v, Router.Fits %v, Fits %v", line, i, ls, sel.Has(i), rt.Fits(i, k), want)
			}
			if want {
				n++
			}
		}
		if sel.Len() != n || len(sel.Rules()) != n {
			t.Errorf("%s: Len %d, want %d", line, sel.Len(), n)
		}
	}
	if all := rt.Select(Key{}); all.ID() != 0 || all.Len() != len(rules) {
		t.Errorf("the zero Key selects %d rules (id %d), want all %d (id 0)", all.Len(), all.ID(), len(rules))
	}
	// Keys that admit the same rules share one Selection.
	byRules := map[string]*Selection{}
	for k := range seen {
		sel := rt.Select(k)
		id := fmt.Sprint(sel.Rules())
		if other, ok := byRules[id]; ok && other != sel {
			t.Errorf("two Selections (%d, %d) of the same rules", other.ID(), sel.ID())
		}
		byRules[id] = sel
	}
	t.Logf("%d example keys need %d of the router's %d selections", len(seen), len(byRules), rt.Selections())
}

// Select is safe for concurrent use (run with -race).
func TestRouterConcurrentSelect(t *testing.T) {
	f := newFixture(t)
	rules := []sigma.Logsource{rule("windows", "", "process_creation"), rule("linux", "", ""), rule("", "", "")}
	rt := NewRouter(f.rec, rules)
	var keys []Key
	for _, row := range WindowsChannels {
		keys = append(keys, f.key(evtxEvent(row.Channels[0], 1)))
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				for _, k := range keys {
					if !rt.Select(k).Has(2) {
						t.Error("the rule without logsource is not selected")
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if rt.Groups() != 3 {
		t.Errorf("Groups = %d, want 3", rt.Groups())
	}
}

// regressionSamples returns the SigmaHQ regression samples (sigmahq), by
// rule id: each .json file holds one or more pretty-printed EVTX records.
func regressionSamples(t *testing.T) map[string][][]byte {
	t.Helper()
	records, err := sigmahq.RegressionRecords()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]byte{}
	for _, r := range records {
		var compact bytes.Buffer
		if err := json.Compact(&compact, r.JSON); err != nil {
			t.Fatalf("%s: %v", r.Rule, err)
		}
		out[r.Rule] = append(out[r.Rule], compact.Bytes())
	}
	return out
}

// TestSigmaHQRegressionSamplesFit: every SigmaHQ regression sample still
// fires its rule when only the rules that fit the sample's recognized
// logsource run (the record flattened by the decoder, as the daemon reads
// it), and the record read nested is recognized alike.
func TestSigmaHQRegressionSamplesFit(t *testing.T) {
	samples := regressionSamples(t)
	e := loadCorpus(t)
	rec := New(Options{Field: e.Fields().Intern})
	rules := e.Rules()
	index := map[*sigma.Rule]int{}
	byID := map[string]int{}
	for i, r := range rules {
		index[r] = i
		byID[r.ID] = i
	}
	rt := NewRouter(rec, logsources(rules))
	dec, err := format.New(format.Options{Format: format.JSON})
	if err != nil {
		t.Fatal(err)
	}
	ev := sigma.NewJSONEvent(e.Fields())
	ids := make([]string, 0, len(samples))
	for id := range samples {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	fired, missing := 0, 0
	for _, id := range ids {
		ri, ok := byID[id]
		if !ok {
			missing++
			continue
		}
		hit := map[string]bool{}
		for _, raw := range samples[id] {
			shapes := map[string][]byte{"nested": raw}
			if err := dec.Decode(raw, func(d format.Decoded) error {
				shapes["flattened"] = append([]byte(nil), d.JSON...)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for shape, doc := range shapes {
				if err := ev.Reset(doc); err != nil {
					t.Fatal(err)
				}
				k := rec.Recognize(ev)
				sel := rt.Select(k)
				for _, m := range e.Evaluate(ev, nil) {
					if index[m.Rule] == ri && sel.Has(ri) {
						hit[shape] = true
					}
				}
				if !sel.Has(ri) {
					t.Errorf("%s (%s, %s): rule %s with logsource %+v is routed away from %s",
						id, rules[ri].File, shape, rules[ri].Title, rules[ri].Logsource, rec.Describe(k))
				}
			}
		}
		if hit["flattened"] {
			fired++
		} else {
			t.Errorf("%s (%s): does not fire with routing", id, rules[ri].File)
		}
	}
	t.Logf("%d/%d samples fire their rule with routing (%d samples of rules outside the corpus)",
		fired, len(ids)-missing, missing)
}

// TestCorpusCoverage logs, per product of the SigmaHQ corpus, how many
// rules it has and whether some builtin table reveals that product (so its
// rules are routed to its events only); go test -v shows it.
func TestCorpusCoverage(t *testing.T) {
	e := loadCorpus(t)
	rec := New(Options{})
	revealed := map[string]bool{}
	for _, k := range rec.tableKeys() {
		for _, p := range rec.Describe(k).Product.Names {
			revealed[p] = true
		}
	}
	count := map[string]int{}
	for _, r := range e.Rules() {
		count[strings.ToLower(r.Logsource.Product)]++
	}
	var lines []string
	covered := 0
	for p, n := range count {
		mark := "not recognized"
		if revealed[p] {
			mark = "recognized"
			covered += n
		}
		if p == "" {
			p, mark = "(no product)", "runs on every event whose category fits"
		}
		lines = append(lines, fmt.Sprintf("%5d %-14s %s", n, p, mark))
	}
	sort.Strings(lines)
	slices.Reverse(lines)
	t.Logf("%d of %d rules have a product the builtin tables recognize:\n%s", covered, len(e.Rules()), strings.Join(lines, "\n"))
}
