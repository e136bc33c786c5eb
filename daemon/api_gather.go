package daemon

import (
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// gather reads the current value of every counter and gauge family of reg,
// summed over its label combinations.
func gather(reg *prometheus.Registry) map[string]float64 {
	out := map[string]float64{}
	families, err := reg.Gather()
	if err != nil && len(families) == 0 {
		return out
	}
	for _, f := range families {
		var sum float64
		for _, m := range f.GetMetric() {
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				sum += m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				sum += m.GetGauge().GetValue()
			}
		}
		out[f.GetName()] = sum
	}
	return out
}
