package pipeline

import (
	"bytes"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

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

// fires reports whether any rule of eng matches the JSON event js.
func fires(t testing.TB, eng *sigma.Engine, js string) bool {
	t.Helper()
	ev := sigma.NewJSONEvent(eng.Fields())
	if err := ev.Reset([]byte(js)); err != nil {
		t.Fatalf("bad test event %s: %v", js, err)
	}
	return len(eng.Evaluate(ev, nil)) > 0
}

func joinErrs(errs []*sigma.LoadError) string {
	var b bytes.Buffer
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}
