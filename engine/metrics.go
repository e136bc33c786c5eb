package engine

// Metrics creates the metric series an Evaluator reports (spec/metrics.md).
// The `sigma` processor implements it on the stream's metrics; a program
// without a stream may pass nil to discard them.
type Metrics interface {
	NewCounter(name string, labelKeys ...string) Counter
	NewGauge(name string, labelKeys ...string) Gauge
	NewTimer(name string, labelKeys ...string) Timer
}

// Counter is a monotonic counter; labelValues match the keys it was
// created with.
type Counter interface {
	Incr(n int64, labelValues ...string)
}

// Gauge is a value that is set.
type Gauge interface {
	Set(v int64, labelValues ...string)
}

// Timer observes durations in nanoseconds (or, for a count histogram such
// as rsigma_batch_size, plain counts).
type Timer interface {
	Timing(v int64, labelValues ...string)
}

// metrics holds the rsigma_* metrics the evaluator updates. They are created
// at construction so that every unlabelled family of spec/metrics.md §2 is
// rendered (at 0) from startup; labelled families appear on first use.
type metrics struct {
	eventsProcessed  Counter
	parseErrors      Counter
	detectionMatches Counter
	matchesByRule    Counter // rule_title, level
	correlationMatch Counter
	detectionRules   Gauge
	correlationRules Gauge
	stateEntries     Gauge
	rulesRejected    Gauge
	reloads          Counter
	reloadsFailed    Counter
	eventProcessing  Timer
	pipelineLatency  Timer
	batchSize        Timer
	batchPhase       Timer // phase (phases.go)
	inputQueueDepth  Gauge
	outputQueueDepth Gauge
	backPressure     Counter
	dlqEvents        Counter
	sourceResolve    Timer
	sourceCacheHits  Counter
	enrichmentQueue  Gauge
	eventsByProduct  Counter // product; routed events only (routing.go)
}

func newMetrics(m Metrics) *metrics {
	if m == nil {
		m = discard{}
	}
	return &metrics{
		eventsProcessed:  m.NewCounter("rsigma_events_processed_total"),
		parseErrors:      m.NewCounter("rsigma_events_parse_errors_total"),
		detectionMatches: m.NewCounter("rsigma_detection_matches_total"),
		matchesByRule:    m.NewCounter("rsigma_detection_matches_by_rule_total", "rule_title", "level"),
		correlationMatch: m.NewCounter("rsigma_correlation_matches_total"),
		detectionRules:   m.NewGauge("rsigma_detection_rules_loaded"),
		correlationRules: m.NewGauge("rsigma_correlation_rules_loaded"),
		stateEntries:     m.NewGauge("rsigma_correlation_state_entries"),
		rulesRejected:    m.NewGauge("rsigma_rules_rejected"),
		reloads:          m.NewCounter("rsigma_reloads_total"),
		reloadsFailed:    m.NewCounter("rsigma_reloads_failed_total"),
		eventProcessing:  m.NewTimer("rsigma_event_processing_seconds"),
		pipelineLatency:  m.NewTimer("rsigma_pipeline_latency_seconds"),
		batchSize:        m.NewTimer("rsigma_batch_size"),
		batchPhase:       m.NewTimer("rsigma_batch_phase_duration_seconds", "phase"),
		inputQueueDepth:  m.NewGauge("rsigma_input_queue_depth"),
		outputQueueDepth: m.NewGauge("rsigma_output_queue_depth"),
		backPressure:     m.NewCounter("rsigma_back_pressure_events_total"),
		dlqEvents:        m.NewCounter("rsigma_dlq_events_total"),
		sourceResolve:    m.NewTimer("rsigma_source_resolve_seconds"),
		sourceCacheHits:  m.NewCounter("rsigma_source_cache_hits_total"),
		enrichmentQueue:  m.NewGauge("rsigma_enrichment_queue_depth"),
		eventsByProduct:  m.NewCounter("rsigma_events_by_product_total", "product"),
	}
}

// discard is the Metrics of an Evaluator built without any.
type discard struct{}

func (discard) NewCounter(string, ...string) Counter { return discard{} }
func (discard) NewGauge(string, ...string) Gauge     { return discard{} }
func (discard) NewTimer(string, ...string) Timer     { return discard{} }
func (discard) Incr(int64, ...string)                {}
func (discard) Set(int64, ...string)                 {}
func (discard) Timing(int64, ...string)              {}

// LevelLabel is a rule level as the `level` label of the *_by_rule_total
// metrics ("unknown" when unset); `sigma_correlate` labels alike.
func LevelLabel(level string) string { return levelLabel(level) }

// levelLabel is the `level` label value of the per-rule match counter.
func levelLabel(level string) string {
	if level == "" {
		return "unknown"
	}
	return level
}
