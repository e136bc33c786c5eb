package engine

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/lanes"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
	"github.com/rsigma-connect/rsigma-connect/internal/windowsmix"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// signature renders matches (rule, selections, fields and values).
func signature(ms []sigma.Match) string {
	var sb strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&sb, "%s|%s|%s|", m.Rule.File, m.Rule.Title, strings.Join(m.Selections, ","))
		for _, f := range m.Fields {
			sb.WriteString(f.Field + "=")
			sb.Write(sigma.AppendValueJSON(nil, f.Value))
			sb.WriteByte(';')
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// equivalenceLines are the first n events of both bench lanes and of the
// Windows mix.
func equivalenceLines(t *testing.T, n int) map[string][][]byte {
	t.Helper()
	out := map[string][][]byte{}
	for _, l := range lanes.All {
		lines, err := lanes.Lines(l, n)
		if err != nil {
			t.Fatal(err)
		}
		out[string(l)] = lines
	}
	var mix bytes.Buffer
	if err := windowsmix.Write(&mix, n, 16); err != nil {
		t.Fatal(err)
	}
	out["windowsmix"] = bytes.Split(bytes.TrimSpace(mix.Bytes()), []byte("\n"))
	return out
}

// eachEvent decodes lines as e does and calls fn with each event.
func eachEvent(t *testing.T, e *Evaluator, lines [][]byte, fn func(i int, ev sigma.Event)) {
	t.Helper()
	st := e.State()
	for i, l := range lines {
		if _, err := e.decodeEach(st, &Line{Text: l}, l, func(d decoded) {
			fn(i, d.event)
			d.release()
		}); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
	}
}

// TestRoutingDropsOnlyContradictingDetections: with the whole SigmaHQ
// corpus, every pre-filter setting and the candidate index off, routing
// gives each event exactly the detections of routing off minus those whose
// rule's logsource the event's recognized logsource contradicts.
func TestRoutingDropsOnlyContradictingDetections(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates the corpus on 3 lanes under 5 settings")
	}
	all := equivalenceLines(t, 1500)
	ref := newTestEvaluator(t, Settings{Rules: []string{sigmahq.Dir()}, InputFormat: "json"})
	refSt := ref.State()
	want := map[string][]string{}
	dropped := 0
	for lane, lines := range all {
		want[lane] = make([]string, len(lines))
		eachEvent(t, ref, lines, func(i int, ev sigma.Event) {
			var kept []sigma.Match
			for _, m := range refSt.Engine.Evaluate(ev, nil) {
				if refSt.ExplainRouting(ev, m.Rule).Contradicts {
					dropped++
					continue
				}
				kept = append(kept, m)
			}
			want[lane][i] += signature(kept)
		})
	}
	if dropped == 0 {
		t.Fatal("no detection contradicts its event: the comparison would prove nothing")
	}
	for _, v := range []struct {
		name   string
		opts   sigma.CompileOptions
		events int
	}{
		{"default", sigma.CompileOptions{}, 1500},
		{"bloom", sigma.CompileOptions{BloomPrefilter: true}, 1500},
		{"cross_rule_ac", sigma.CompileOptions{CrossRuleAC: true}, 1500},
		{"bloom_and_cross_rule_ac", sigma.CompileOptions{BloomPrefilter: true, CrossRuleAC: true}, 1500},
		{"no_candidate_index", sigma.CompileOptions{DisableCandidateIndex: true}, 150},
	} {
		t.Run(v.name, func(t *testing.T) {
			e := newTestEvaluator(t, Settings{Rules: []string{sigmahq.Dir()}, InputFormat: "json", LogsourceRouting: true, Compile: v.opts})
			st := e.State()
			for lane, lines := range all {
				got := make([]string, v.events)
				eachEvent(t, e, lines[:v.events], func(i int, ev sigma.Event) {
					got[i] += signature(st.detect(ev, nil))
				})
				for i := range got {
					if got[i] != want[lane][i] {
						t.Fatalf("%s event %d: routed detections\n%s\nwant routing off minus contradicting\n%s", lane, i, got[i], want[lane][i])
					}
				}
			}
		})
	}
}
