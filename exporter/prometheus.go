// Package exporter holds the `prometheus` metrics exporter of the
// rsigma-connect binary. The framework core has no exporter of that name;
// Redpanda Connect's is not ours to ship, so this one registers only when
// the binary (or the daemon) calls RegisterPrometheus, never on import.
package exporter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// frameworkLabels are the labels the framework's component layer puts in
// front of every metric; without PrometheusOptions.ComponentLabels they are
// dropped from rsigma_* metrics so that our names and label sets are exactly
// those of spec/metrics.md.
var frameworkLabels = map[string]bool{"label": true, "path": true}

// histogramBuckets holds the fixed buckets (in seconds, or plain counts for
// rsigma_batch_size) of the histograms in spec/metrics.md. Timers not listed
// get prometheus.DefBuckets.
var histogramBuckets = map[string][]float64{
	"rsigma_event_processing_seconds":     {0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1},
	"rsigma_pipeline_latency_seconds":     {0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5},
	"rsigma_batch_phase_duration_seconds": {0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5},
	"rsigma_batch_size":                   {1, 2, 4, 8, 16, 32, 64, 128, 256, 512},
	"rsigma_source_resolve_seconds":       {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	"rsigma_enrichment_duration_seconds":  {0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
}

// countHistograms observe raw values instead of nanoseconds converted to
// seconds: the framework only has timers, so a histogram of counts is fed
// through Timing(count).
var countHistograms = map[string]bool{"rsigma_batch_size": true}

// precreatedSeries are the label values of series that exist from the
// moment their histogram is created, before any observation (metrics.md
// §6: every phase of rsigma_batch_phase_duration_seconds at startup).
var precreatedSeries = map[string][]string{
	"rsigma_batch_phase_duration_seconds": engine.BatchPhases[:],
}

// PrometheusExporter implements service.MetricsExporter over a client_golang
// registry. One metric name maps to one collector; a name seen again with
// another label set is projected onto the first label set.
type PrometheusExporter struct {
	reg   *prometheus.Registry
	opts  PrometheusOptions
	mu    sync.Mutex
	vecs  map[string]*promVec
	start time.Time
	push  *pushLoop // nil without PushURL (prometheus_push.go)
}

// PrometheusOptions are the settings of a PrometheusExporter (the fields of
// the `prometheus` exporter's YAML).
type PrometheusOptions struct {
	// ProcessMetrics and GoMetrics add the process and Go runtime collectors.
	ProcessMetrics, GoMetrics bool
	// ComponentLabels keeps the framework's `label` and `path` labels on
	// rsigma_* metrics, as on every other metric; false drops them, so that
	// the names and labels are exactly those of spec/metrics.md.
	ComponentLabels bool
	// HistogramBuckets are the buckets of timers that spec/metrics.md gives
	// none (nil: prometheus.DefBuckets).
	HistogramBuckets []float64
	// Push pushes the registry to a Pushgateway (zero URL: never).
	Push PushOptions
	// FileOutputPath, when set, receives the registry in the text format
	// when the exporter closes.
	FileOutputPath string
}

type promVec struct {
	keys      []string
	counter   *prometheus.CounterVec
	gauge     *prometheus.GaugeVec
	histogram *prometheus.HistogramVec
	seconds   bool // histogram observes ns/1e9
}

// NewPrometheusExporter returns an exporter writing into reg with o. With
// o.Push.URL it starts pushing at once; Close stops that.
func NewPrometheusExporter(reg *prometheus.Registry, o PrometheusOptions) *PrometheusExporter {
	e := &PrometheusExporter{reg: reg, opts: o, vecs: map[string]*promVec{}, start: time.Now()}
	up := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "rsigma_uptime_seconds", Help: "Seconds since the process started.",
	}, func() float64 { return time.Since(e.start).Seconds() })
	_ = reg.Register(up) // already present when a registry is shared by two exporters
	if o.GoMetrics {
		_ = reg.Register(collectors.NewGoCollector())
	}
	if o.ProcessMetrics {
		_ = reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if o.Push.URL != "" {
		e.push = startPush(reg, o.Push)
	}
	return e
}

// Registry returns the registry metrics are written into.
func (e *PrometheusExporter) Registry() *prometheus.Registry { return e.reg }

// HandlerFunc serves the registry in the Prometheus text format; the
// framework mounts it at /metrics and /stats.
func (e *PrometheusExporter) HandlerFunc() http.HandlerFunc {
	return promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{}).ServeHTTP
}

// ownKeys drops the framework labels from rsigma_* metrics and returns the
// kept keys with the positions of their values.
func (e *PrometheusExporter) ownKeys(name string, keys []string) ([]string, []int) {
	kept := make([]string, 0, len(keys))
	pos := make([]int, 0, len(keys))
	for i, k := range keys {
		if !e.opts.ComponentLabels && strings.HasPrefix(name, "rsigma_") && frameworkLabels[k] {
			continue
		}
		kept = append(kept, k)
		pos = append(pos, i)
	}
	return kept, pos
}

// vec returns the collector for name, creating it with mk on first use.
func (e *PrometheusExporter) vec(name string, keys []string, mk func(keys []string) *promVec) *promVec {
	e.mu.Lock()
	defer e.mu.Unlock()
	if v, ok := e.vecs[name]; ok {
		return v
	}
	v := mk(keys)
	v.keys = keys
	e.vecs[name] = v
	return v
}

// values projects label values given for keys onto v's label keys.
func (v *promVec) values(keys []string, pos []int, given []string) []string {
	out := make([]string, len(v.keys))
	for i, k := range v.keys {
		for j, gk := range keys {
			if gk == k && pos[j] < len(given) {
				out[i] = given[pos[j]]
				break
			}
		}
	}
	return out
}

func help(name string) string { return "rsigma-connect metric " + name + "." }

// NewCounterCtor implements service.MetricsExporter.
func (e *PrometheusExporter) NewCounterCtor(name string, labelKeys ...string) service.MetricsExporterCounterCtor {
	keys, pos := e.ownKeys(name, labelKeys)
	v := e.vec(name, keys, func(keys []string) *promVec {
		cv := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help(name)}, keys)
		cv, _ = e.register(cv).(*prometheus.CounterVec)
		return &promVec{counter: cv}
	})
	if v.counter == nil {
		return func(...string) service.MetricsExporterCounter { return nopMetric{} }
	}
	if len(v.keys) == 0 {
		c := v.counter.WithLabelValues()                    // rendered at 0 from now on
		m := service.MetricsExporterCounter(promCounter{c}) // boxed once, not per update
		return func(...string) service.MetricsExporterCounter { return m }
	}
	return func(lv ...string) service.MetricsExporterCounter {
		return promCounter{v.counter.WithLabelValues(v.values(keys, pos, lv)...)}
	}
}

// NewGaugeCtor implements service.MetricsExporter.
func (e *PrometheusExporter) NewGaugeCtor(name string, labelKeys ...string) service.MetricsExporterGaugeCtor {
	keys, pos := e.ownKeys(name, labelKeys)
	v := e.vec(name, keys, func(keys []string) *promVec {
		gv := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help(name)}, keys)
		gv, _ = e.register(gv).(*prometheus.GaugeVec)
		return &promVec{gauge: gv}
	})
	if v.gauge == nil {
		return func(...string) service.MetricsExporterGauge { return nopMetric{} }
	}
	if len(v.keys) == 0 {
		g := v.gauge.WithLabelValues()
		m := service.MetricsExporterGauge(promGauge{g}) // boxed once, not per update
		return func(...string) service.MetricsExporterGauge { return m }
	}
	return func(lv ...string) service.MetricsExporterGauge {
		return promGauge{v.gauge.WithLabelValues(v.values(keys, pos, lv)...)}
	}
}

// NewTimerCtor implements service.MetricsExporter. Timers become histograms
// in seconds (the framework reports nanoseconds), except the count
// histograms listed in countHistograms.
func (e *PrometheusExporter) NewTimerCtor(name string, labelKeys ...string) service.MetricsExporterTimerCtor {
	keys, pos := e.ownKeys(name, labelKeys)
	v := e.vec(name, keys, func(keys []string) *promVec {
		buckets, ok := histogramBuckets[name]
		if !ok {
			buckets = e.opts.HistogramBuckets
		}
		if len(buckets) == 0 {
			buckets = prometheus.DefBuckets
		}
		hv := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help(name), Buckets: buckets}, keys)
		hv, _ = e.register(hv).(*prometheus.HistogramVec)
		if hv != nil && len(keys) == 1 {
			for _, value := range precreatedSeries[name] {
				hv.WithLabelValues(value)
			}
		}
		return &promVec{histogram: hv, seconds: !countHistograms[name]}
	})
	if v.histogram == nil {
		return func(...string) service.MetricsExporterTimer { return nopMetric{} }
	}
	if len(v.keys) == 0 {
		h := v.histogram.WithLabelValues()
		m := service.MetricsExporterTimer(promTimer{h, v.seconds}) // boxed once, not per update
		return func(...string) service.MetricsExporterTimer { return m }
	}
	return func(lv ...string) service.MetricsExporterTimer {
		return promTimer{v.histogram.WithLabelValues(v.values(keys, pos, lv)...), v.seconds}
	}
}

// register adds c and returns the collector to use: c itself, or the one
// already registered under the same name by another exporter sharing the
// registry. It returns nil when the name is taken with another type or label
// set, in which case the metric is dropped rather than crashing the stream.
func (e *PrometheusExporter) register(c prometheus.Collector) prometheus.Collector {
	err := e.reg.Register(c)
	if err == nil {
		return c
	}
	if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
		return are.ExistingCollector
	}
	return nil
}

// Close implements service.MetricsExporter: it stops pushing (after a
// last push) and writes FileOutputPath.
func (e *PrometheusExporter) Close(ctx context.Context) error {
	var errs []error
	if e.push != nil {
		errs = append(errs, e.push.stop(ctx))
	}
	if e.opts.FileOutputPath != "" {
		if err := prometheus.WriteToTextfile(e.opts.FileOutputPath, e.reg); err != nil {
			errs = append(errs, fmt.Errorf("file_output_path: %w", err))
		}
	}
	return errors.Join(errs...)
}

type promCounter struct{ c prometheus.Counter }

func (p promCounter) Incr(n int64)          { p.c.Add(float64(n)) }
func (p promCounter) IncrFloat64(n float64) { p.c.Add(n) }
func (p promCounter) Set(int64)             {}
func (p promCounter) Timing(int64)          {}
func (p promCounter) SetFloat64(float64)    {}

type promGauge struct{ g prometheus.Gauge }

func (p promGauge) Set(n int64)          { p.g.Set(float64(n)) }
func (p promGauge) SetFloat64(n float64) { p.g.Set(n) }

type promTimer struct {
	h       prometheus.Observer
	seconds bool
}

func (p promTimer) Timing(n int64) {
	if p.seconds {
		p.h.Observe(float64(n) / 1e9)
		return
	}
	p.h.Observe(float64(n))
}

type nopMetric struct{}

func (nopMetric) Incr(int64)   {}
func (nopMetric) Set(int64)    {}
func (nopMetric) Timing(int64) {}
