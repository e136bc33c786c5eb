package server

import (
	"net/http"
)

// Status is the body of GET /api/v1/status (http-api.md §3.4).
type Status struct {
	Status                  string                `json:"status"` // "running" when ready, else "loading"
	DetectionRules          int                   `json:"detection_rules"`
	CorrelationRules        int                   `json:"correlation_rules"`
	CorrelationStateEntries int                   `json:"correlation_state_entries"`
	EventsProcessed         int64                 `json:"events_processed"`
	DetectionMatches        int64                 `json:"detection_matches"`
	CorrelationMatches      int64                 `json:"correlation_matches"`
	UptimeSeconds           float64               `json:"uptime_seconds"`
	DynamicSources          *DynamicSourcesStatus `json:"dynamic_sources,omitempty"`
	// Fleet is the fleet member's partitions (--correlation-partitions).
	Fleet any `json:"fleet,omitempty"`
}

// DynamicSourcesStatus is the optional `dynamic_sources` object of Status.
type DynamicSourcesStatus struct {
	Total         int   `json:"total"`
	ResolvesTotal int64 `json:"resolves_total"`
	ErrorsTotal   int64 `json:"errors_total"`
	CacheHits     int64 `json:"cache_hits"`
}

// RulesInfo is the body of GET /api/v1/rules (http-api.md §3.5), plus the
// list of active detection rules.
type RulesInfo struct {
	DetectionRules   int        `json:"detection_rules"`
	CorrelationRules int        `json:"correlation_rules"`
	RulesPath        string     `json:"rules_path"`
	Rules            []RuleInfo `json:"rules"` // never null
}

// RuleInfo names one active detection rule by the keys results carry
// (rule_id, rule_title) and gives its author and file: the Detection Rule
// License of SigmaHQ rules asks that matches keep the rule's author.
type RuleInfo struct {
	RuleID    string `json:"rule_id,omitempty"`
	RuleTitle string `json:"rule_title"`
	Author    string `json:"author,omitempty"`
	File      string `json:"file,omitempty"`
	// Logsource is the rule's logsource after pipelines, which logsource
	// routing compares with each event's (docs/logsource-routing.md); nil
	// when the rule sets none of its keys.
	Logsource *RuleLogsource `json:"logsource,omitempty"`
}

// RuleLogsource is a rule's product, service and category; unset keys are
// left out.
type RuleLogsource struct {
	Product  string `json:"product,omitempty"`
	Service  string `json:"service,omitempty"`
	Category string `json:"category,omitempty"`
}

// Control is what the control endpoints read and trigger. Every func must be
// safe for concurrent calls.
type Control struct {
	Status func() Status
	Rules  func() RulesInfo
	// Reload queues a reload and reports false when the trigger queue is
	// full.
	Reload func() bool
}

// HandleControl registers /api/v1/status, /api/v1/rules and /api/v1/reload.
func HandleControl(m *Mux, c Control) {
	m.HandleFunc("/api/v1/status", func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodGet) {
			return
		}
		writeAPIJSON(w, http.StatusOK, c.Status())
	})
	m.HandleFunc("/api/v1/rules", func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodGet) {
			return
		}
		info := c.Rules()
		if info.Rules == nil {
			info.Rules = []RuleInfo{}
		}
		writeAPIJSON(w, http.StatusOK, info)
	})
	m.HandleFunc("/api/v1/reload", func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodPost) {
			return
		}
		if c.Reload() {
			writeAPIJSON(w, http.StatusOK, map[string]string{"status": "reload_triggered"})
			return
		}
		writeAPIJSON(w, http.StatusTooManyRequests, map[string]string{"status": "reload_already_pending"})
	})
}
