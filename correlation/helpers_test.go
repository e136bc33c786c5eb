package correlation

import (
	"encoding/json"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/sigma"
	"gopkg.in/yaml.v3"
)

// testEvent is a test-only flat event.
type testEvent map[string]any

func (m testEvent) Field(f *sigma.Field) sigma.Value {
	v, ok := m[f.Name]
	if !ok {
		return sigma.Value{}
	}
	return toValue(v)
}

func toValue(v any) sigma.Value {
	switch x := v.(type) {
	case nil:
		return sigma.Value{Kind: sigma.KindNull}
	case string:
		return sigma.Value{Kind: sigma.KindString, Str: x, Fold: strings.ToLower(x)}
	case int:
		s := strconv.Itoa(x)
		return sigma.Value{Kind: sigma.KindNumber, Str: s, Fold: s}
	case int64:
		s := strconv.FormatInt(x, 10)
		return sigma.Value{Kind: sigma.KindNumber, Str: s, Fold: s}
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		return sigma.Value{Kind: sigma.KindNumber, Str: s, Fold: s}
	case bool:
		s := strconv.FormatBool(x)
		return sigma.Value{Kind: sigma.KindBool, Str: s, Fold: s}
	case []any:
		return sigma.Value{Kind: sigma.KindArray}
	}
	return sigma.Value{Kind: sigma.KindObject}
}

func (m testEvent) Keywords(func(v *sigma.Value) bool) bool { return false }
func (m testEvent) JSONView() *sigma.JSONEvent              { return nil }

// Raw renders the event as JSON with sorted keys.
func (m testEvent) Raw() []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(m[k])
		b = append(append(append(b, kb...), ':'), vb...)
	}
	return append(b, '}')
}

// detection is a test detection rule: a sigma.Rule plus a predicate.
type detection struct {
	rule  *sigma.Rule
	match func(testEvent) bool
}

// fieldIs returns a detection named name matching events with field == value.
func fieldIs(name, field string, value any) detection {
	return detection{rule: &sigma.Rule{Title: name, Name: name},
		match: func(ev testEvent) bool { return ev[field] == value }}
}

// always matches every event.
func always(name string) detection {
	return detection{rule: &sigma.Rule{Title: name, Name: name}, match: func(testEvent) bool { return true }}
}

// harness feeds timed events through detections and an engine.
type harness struct {
	t    *testing.T
	dets []detection
	eng  *Engine
	now  time.Time
}

func parseRules(t *testing.T, docs string) []*Rule {
	t.Helper()
	var out []*Rule
	dec := yaml.NewDecoder(strings.NewReader(docs))
	for i := 1; ; i++ {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			break
		}
		r, err := ParseNode("test.yml", &n)
		if err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		out = append(out, r)
	}
	return out
}

func newHarness(t *testing.T, corrYAML string, opts Options, dets ...detection) *harness {
	t.Helper()
	h := &harness{t: t, dets: dets, now: time.Unix(1_000_000, 0)}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return h.now }
	}
	rules := make([]*sigma.Rule, len(dets))
	for i, d := range dets {
		rules[i] = d.rule
	}
	eng, errs := Compile(parseRules(t, corrYAML), rules, sigma.NewFieldTable(), opts)
	for _, err := range errs {
		t.Fatalf("compile: %v", err)
	}
	h.eng = eng
	return h
}

// feed sends ev at time ts (seconds; <0 leaves the event untimed).
func (h *harness) feed(ts int64, ev testEvent) []Result {
	h.t.Helper()
	e := timed(ts, ev)
	return h.eng.Process(Input{Event: e, Hits: h.hits(e)}, nil)
}

// timed is a copy of ev with @timestamp ts (seconds, or ms above 10^12;
// <0 leaves the event untimed).
func timed(ts int64, ev testEvent) testEvent {
	e := testEvent{}
	for k, v := range ev {
		e[k] = v
	}
	if ts >= 0 {
		e["@timestamp"] = ts
	}
	return e
}

// hits lists the detections ev matches.
func (h *harness) hits(ev testEvent) []int {
	var hits []int
	for i, d := range h.dets {
		if d.match(ev) {
			hits = append(hits, i)
		}
	}
	return hits
}

// fired summarises results as "title@t=value[k=v,...]".
func fired(rs []Result) []string {
	var out []string
	for _, r := range rs {
		var kv []string
		for _, p := range r.GroupKey {
			kv = append(kv, p.Field+"="+p.Value)
		}
		out = append(out, r.Rule.Title+"@"+strconv.FormatInt(r.Time/1000, 10)+"="+
			strconv.FormatFloat(r.Value, 'f', -1, 64)+"["+strings.Join(kv, ",")+"]")
	}
	return out
}
