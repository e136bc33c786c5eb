package sigma

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Every pre-filter must leave the match set unchanged: the full corpus is
// evaluated on both benchmark lanes with each switch on and off, and every
// event's matches (rule, selections, matched fields and values) compared.

const equivalenceLaneSize = 3000

func matchSignature(ms []Match) string {
	var sb strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&sb, "%s|%s|%s|", m.Rule.File, m.Rule.Title, strings.Join(m.Selections, ","))
		for _, f := range m.Fields {
			sb.WriteString(f.Field)
			sb.WriteByte('=')
			sb.Write(AppendValueJSON(nil, f.Value))
			sb.WriteByte(';')
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

func laneSignatures(t *testing.T, e *Engine, lines [][]byte) []string {
	t.Helper()
	ev := NewJSONEvent(e.Fields())
	out := make([]string, len(lines))
	var ms []Match
	for i, l := range lines {
		if err := ev.Reset(l); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		ms = e.Evaluate(ev, ms[:0])
		out[i] = matchSignature(ms)
	}
	return out
}

func TestPrefiltersChangeNoResult(t *testing.T) {
	rs, _, off := loadCorpus(t)
	variants := []struct {
		name string
		opts CompileOptions
	}{
		{"bloom", CompileOptions{BloomPrefilter: true}},
		{"bloom_tiny_budget", CompileOptions{BloomPrefilter: true, BloomMaxBytes: 4096}},
		{"cross_rule_ac", CompileOptions{CrossRuleAC: true}},
		{"all", CompileOptions{BloomPrefilter: true, CrossRuleAC: true}},
	}
	base, _, err := Compile(rs, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, lane := range []string{"sysmon_proc", "syslog_raw"} {
		lines := generatedLane(t, lane, equivalenceLaneSize)
		want := laneSignatures(t, base, lines)
		matched := 0
		for _, w := range want {
			if w != "" {
				matched++
			}
		}
		if matched == 0 {
			t.Fatalf("%s: no event matched; the comparison would prove nothing", lane)
		}
		// The reference without any index, on a slice of the lane (it
		// evaluates all rules per event).
		head := lines[:200]
		if got := laneSignatures(t, off, head); !slices.Equal(got, want[:200]) {
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%s event %d: candidate index changes matches\nwithout index:\n%s\nwith:\n%s", lane, i, got[i], want[i])
				}
			}
		}
		for _, v := range variants {
			t.Run(lane+"/"+v.name, func(t *testing.T) {
				e, _, err := Compile(rs, v.opts)
				if err != nil {
					t.Fatal(err)
				}
				got := laneSignatures(t, e, lines)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("event %d (%s): matches differ\nwith %s:\n%s\nwithout:\n%s", i, lines[i], v.name, got[i], want[i])
					}
				}
			})
		}
	}
}
