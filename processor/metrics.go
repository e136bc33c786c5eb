package processor

import "github.com/redpanda-data/benthos/v4/public/service"

// metrics holds the rsigma_* metrics the processor updates. They are created
// at construction so that every unlabelled family of spec/metrics.md §2 is
// rendered (at 0) from startup; labelled families appear on first use.
type metrics struct {
	eventsProcessed  *service.MetricCounter
	parseErrors      *service.MetricCounter
	detectionMatches *service.MetricCounter
	matchesByRule    *service.MetricCounter // rule_title, level
	correlationMatch *service.MetricCounter
	detectionRules   *service.MetricGauge
	correlationRules *service.MetricGauge
	stateEntries     *service.MetricGauge
	rulesRejected    *service.MetricGauge
	reloads          *service.MetricCounter
	reloadsFailed    *service.MetricCounter
	eventProcessing  *service.MetricTimer
	pipelineLatency  *service.MetricTimer
	batchSize        *service.MetricTimer
	inputQueueDepth  *service.MetricGauge
	outputQueueDepth *service.MetricGauge
	backPressure     *service.MetricCounter
	dlqEvents        *service.MetricCounter
	sourceResolve    *service.MetricTimer
	sourceCacheHits  *service.MetricCounter
	enrichmentQueue  *service.MetricGauge
}

func newMetrics(m *service.Metrics) *metrics {
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
		inputQueueDepth:  m.NewGauge("rsigma_input_queue_depth"),
		outputQueueDepth: m.NewGauge("rsigma_output_queue_depth"),
		backPressure:     m.NewCounter("rsigma_back_pressure_events_total"),
		dlqEvents:        m.NewCounter("rsigma_dlq_events_total"),
		sourceResolve:    m.NewTimer("rsigma_source_resolve_seconds"),
		sourceCacheHits:  m.NewCounter("rsigma_source_cache_hits_total"),
		enrichmentQueue:  m.NewGauge("rsigma_enrichment_queue_depth"),
	}
}

// levelLabel is the `level` label value of the per-rule match counter.
func levelLabel(level string) string {
	if level == "" {
		return "unknown"
	}
	return level
}
