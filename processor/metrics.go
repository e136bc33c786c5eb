package processor

import (
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// metricsOf implements engine.Metrics on the stream's metrics.
type metricsOf struct{ m *service.Metrics }

func (r metricsOf) NewCounter(name string, labelKeys ...string) engine.Counter {
	return r.m.NewCounter(name, labelKeys...)
}

func (r metricsOf) NewGauge(name string, labelKeys ...string) engine.Gauge {
	return r.m.NewGauge(name, labelKeys...)
}

func (r metricsOf) NewTimer(name string, labelKeys ...string) engine.Timer {
	return r.m.NewTimer(name, labelKeys...)
}
