package processor_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"

	_ "github.com/rsigma-connect/rsigma-connect/processor"
)

// TestImportRegistersOnlySigmaComponents: importing the package (as a host
// Benthos build does) registers `sigma` and `sigma_dlq_entry` and nothing
// else of ours: no scanner, output, exporter or NATS component that could
// replace a host's own (issue 17).
func TestImportRegistersOnlySigmaComponents(t *testing.T) {
	env := service.GlobalEnvironment()
	var ours []string
	collect := func(kind string) func(string, *service.ConfigView) {
		return func(name string, _ *service.ConfigView) {
			if strings.HasPrefix(name, "sigma") || name == "prometheus" || strings.Contains(name, "nats_jetstream") {
				ours = append(ours, kind+" "+name)
			}
		}
	}
	env.WalkInputs(collect("input"))
	env.WalkOutputs(collect("output"))
	env.WalkProcessors(collect("processor"))
	env.WalkScanners(collect("scanner"))
	env.WalkMetrics(collect("metrics"))
	env.WalkBuffers(collect("buffer"))
	env.WalkCaches(collect("cache"))
	env.WalkRateLimits(collect("rate_limit"))
	env.WalkTracers(collect("tracer"))
	slices.Sort(ours)
	want := []string{"processor sigma", "processor sigma_dlq_entry"}
	if !slices.Equal(ours, want) {
		t.Fatalf("importing processor registers %q, want only %q", ours, want)
	}
}
