package pipeline

import (
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// BenchmarkApplyBuiltinsToSigmaHQWindows measures the load-time cost of
// running sysmon + ecs_windows over the SigmaHQ Windows corpus.
func BenchmarkApplyBuiltinsToSigmaHQWindows(b *testing.B) {
	dir := sigmahq.Rule("windows")
	pls, err := OpenAll([]string{"sysmon", "ecs_windows"})
	if err != nil {
		b.Fatal(err)
	}
	base, err := sigma.LoadPath(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		rs := &sigma.RuleSet{Rules: make([]*sigma.Rule, len(base.Rules))}
		for j, r := range base.Rules {
			c := *r
			rs.Rules[j] = &c
		}
		b.StartTimer()
		Apply(pls, rs)
	}
	b.ReportMetric(float64(len(base.Rules)*b.N)/b.Elapsed().Seconds(), "rules/s")
}
