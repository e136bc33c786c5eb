package main

import (
	"math"
	"slices"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// The startup set of metrics.md §2 on a plaintext daemon (the two TLS gauges
// exist only with --tls-cert, see tls_e2e_test.go): name, type and, for
// histograms, the exact buckets.
var startupMetrics = []struct {
	name    string
	typ     dto.MetricType
	buckets []float64
}{
	{"rsigma_events_processed_total", dto.MetricType_COUNTER, nil},
	{"rsigma_events_parse_errors_total", dto.MetricType_COUNTER, nil},
	{"rsigma_detection_matches_total", dto.MetricType_COUNTER, nil},
	{"rsigma_correlation_matches_total", dto.MetricType_COUNTER, nil},
	{"rsigma_detection_rules_loaded", dto.MetricType_GAUGE, nil},
	{"rsigma_correlation_rules_loaded", dto.MetricType_GAUGE, nil},
	{"rsigma_correlation_state_entries", dto.MetricType_GAUGE, nil},
	{"rsigma_reloads_total", dto.MetricType_COUNTER, nil},
	{"rsigma_reloads_failed_total", dto.MetricType_COUNTER, nil},
	{"rsigma_event_processing_seconds", dto.MetricType_HISTOGRAM,
		[]float64{0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1}},
	{"rsigma_uptime_seconds", dto.MetricType_GAUGE, nil},
	{"rsigma_input_queue_depth", dto.MetricType_GAUGE, nil},
	{"rsigma_output_queue_depth", dto.MetricType_GAUGE, nil},
	{"rsigma_back_pressure_events_total", dto.MetricType_COUNTER, nil},
	{"rsigma_pipeline_latency_seconds", dto.MetricType_HISTOGRAM,
		[]float64{0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5}},
	{"rsigma_batch_size", dto.MetricType_HISTOGRAM, []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}},
	{"rsigma_dlq_events_total", dto.MetricType_COUNTER, nil},
	{"rsigma_source_resolve_seconds", dto.MetricType_HISTOGRAM, []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}},
	{"rsigma_source_cache_hits_total", dto.MetricType_COUNTER, nil},
	{"rsigma_enrichment_queue_depth", dto.MetricType_GAUGE, nil},
	{"rsigma_otlp_log_records_total", dto.MetricType_COUNTER, nil},
}

func TestDaemonMetricsStartupSet(t *testing.T) {
	for _, input := range []string{"stdin", "http"} {
		t.Run("input "+input, func(t *testing.T) {
			d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", input)
			fams := opsScrape(t, base)
			for _, want := range startupMetrics {
				f, ok := fams[want.name]
				if !ok {
					t.Errorf("%s missing at startup", want.name)
					continue
				}
				if f.GetType() != want.typ {
					t.Errorf("%s has type %v, want %v", want.name, f.GetType(), want.typ)
				}
				if len(f.GetMetric()) != 1 || len(f.GetMetric()[0].GetLabel()) != 0 {
					t.Errorf("%s should be one unlabelled series, got %v", want.name, f.GetMetric())
				}
				if want.buckets != nil {
					var got []float64
					for _, b := range f.GetMetric()[0].GetHistogram().GetBucket() {
						if !math.IsInf(b.GetUpperBound(), 1) { // +Inf is implicit
							got = append(got, b.GetUpperBound())
						}
					}
					if !slices.Equal(got, want.buckets) {
						t.Errorf("%s buckets %v, want %v", want.name, got, want.buckets)
					}
				}
			}
			for _, lazy := range []string{"rsigma_detection_matches_by_rule_total", "rsigma_tls_certificate_expiry_seconds", "rsigma_tls_active_connections"} {
				if _, ok := fams[lazy]; ok {
					t.Errorf("%s rendered at startup, want it absent until first use / without TLS", lazy)
				}
			}
			t.Logf("%d rsigma_* families at startup", countRsigma(fams))
			if input == "stdin" {
				_ = d.Stdin.Close()
				if code := d.Wait(10 * time.Second); code != 0 {
					t.Fatalf("exit %d", code)
				}
				return
			}
			opsStop(t, d)
		})
	}
}

func countRsigma(fams map[string]*dto.MetricFamily) int {
	n := 0
	for name := range fams {
		if len(name) > 7 && name[:7] == "rsigma_" {
			n++
		}
	}
	return n
}
