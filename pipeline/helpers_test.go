package pipeline

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// jsonEvent is a small test-only sigma.Event over decoded JSON (flat key
// first, then the dotted path), used until package sigma's event types land.
type jsonEvent struct{ root map[string]any }

func newEvent(t testing.TB, js string) *jsonEvent {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("bad test event %s: %v", js, err)
	}
	return &jsonEvent{root: root}
}

func (e *jsonEvent) Field(f *sigma.Field) sigma.Value {
	if v, ok := e.root[f.Name]; ok {
		return toValue(v)
	}
	var node any = e.root
	for _, p := range f.Path {
		m, ok := node.(map[string]any)
		if !ok {
			return sigma.Value{}
		}
		if node, ok = m[p]; !ok {
			return sigma.Value{}
		}
	}
	return toValue(node)
}

func toValue(v any) sigma.Value {
	switch x := v.(type) {
	case nil:
		return sigma.Value{Kind: sigma.KindNull}
	case string:
		return sigma.Value{Kind: sigma.KindString, Str: x, Fold: strings.ToLower(x)}
	case json.Number:
		s := string(x)
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == float64(int64(f)) {
			s = strconv.FormatInt(int64(f), 10)
		}
		return sigma.Value{Kind: sigma.KindNumber, Str: s, Fold: s}
	case bool:
		s := strconv.FormatBool(x)
		return sigma.Value{Kind: sigma.KindBool, Str: s, Fold: s}
	case []any:
		items := make([]sigma.Value, len(x))
		for i, it := range x {
			items[i] = toValue(it)
		}
		return sigma.Value{Kind: sigma.KindArray, Items: items}
	}
	return sigma.Value{Kind: sigma.KindObject}
}

func (e *jsonEvent) Keywords(fn func(v *sigma.Value) bool) bool {
	var walk func(any) bool
	walk = func(n any) bool {
		switch x := n.(type) {
		case string:
			v := toValue(x)
			return fn(&v)
		case map[string]any:
			for _, c := range x {
				if walk(c) {
					return true
				}
			}
		case []any:
			for _, c := range x {
				if walk(c) {
					return true
				}
			}
		}
		return false
	}
	return walk(e.root)
}

// mustParse parses pipeline YAML or fails the test.
func mustParse(t testing.TB, src string) *Pipeline {
	t.Helper()
	p, err := Parse("test.yml", []byte(src))
	if err != nil {
		t.Fatalf("parse pipeline: %v", err)
	}
	return p
}

// loadRules parses rule YAML or fails the test.
func loadRules(t testing.TB, src string) *sigma.RuleSet {
	t.Helper()
	rs, err := sigma.LoadBytes("rule.yml", []byte(src))
	if err != nil {
		t.Fatalf("load rule: %v", err)
	}
	if len(rs.Rejected) > 0 {
		t.Fatalf("rule rejected: %v", rs.Rejected[0])
	}
	return rs
}

// engineFor applies pipelines to the rules and compiles them; it returns
// the engine and every rejection (pipeline or compile).
func engineFor(t testing.TB, rs *sigma.RuleSet, pls ...*Pipeline) (*sigma.Engine, []*sigma.LoadError) {
	t.Helper()
	Sort(pls)
	Apply(pls, rs)
	eng, rej, err := sigma.Compile(rs, sigma.CompileOptions{})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return eng, append(rs.Rejected, rej...)
}

func fires(eng *sigma.Engine, ev sigma.Event) bool {
	return len(eng.Evaluate(ev, nil)) > 0
}

func joinErrs(errs []*sigma.LoadError) string {
	var b bytes.Buffer
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}
