package daemon

import (
	"context"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/engine"
	"github.com/rsigma-connect/rsigma-connect/processor"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// operations is the daemon's control plane: the input queue behind
// POST /api/v1/events (and OTLP), the /api/v1 endpoints, readiness, and hot
// reload (daemon.md §8, http-api.md §3).
type operations struct {
	ingest      *ingestQueue
	budget      *server.IngestBudget // what ingest requests and their queued lines may hold
	reload      *reloader
	settings    engine.Settings // the sigma processor's settings, for reloads
	rulesFailed atomic.Bool     // the last rules reload failed (readiness false)
	started     atomic.Int64    // unix nanos when the API started serving
	steps       []reloadStep    // further components reloaded by every pass
}

// reloadStep is one component of a reload pass besides the rules (TLS
// certificate, enrichers, …). A failing step keeps its previous version and
// counts one failure; it does not affect readiness.
type reloadStep struct {
	name string
	run  func() error
}

// addReloadStep appends a component to every reload pass.
func (d *daemon) addReloadStep(name string, run func() error) {
	d.ops.steps = append(d.ops.steps, reloadStep{name: name, run: run})
}

// mountOperations builds the control plane and registers its endpoints and
// the HTTP events input. It runs before the stream is built.
func (d *daemon) mountOperations() error {
	body, err := config.ProcessorYAML(d.opts)
	if err != nil {
		return config.Configf("%v", err)
	}
	settings, err := processor.ParseSettingsYAML(body)
	if err != nil {
		return config.Configf("sigma processor: %v", err)
	}
	ops := &operations{ingest: newIngestQueue(d.opts.BufferSize), settings: settings,
		budget: server.NewIngestBudget(server.DefaultIngestBudgetBytes)}
	d.reg.MustRegister(ops.budget.Collectors()...)
	ops.reload = newReloader(reloadDebounce, d.reloadPass)
	d.ops = ops
	d.addReloadStep("enrichers", d.hub.ReloadEnrichers)
	if err := registerHTTPEventsInput(d.env, ops.ingest); err != nil {
		return config.Configf("registering the HTTP events input: %v", err)
	}
	var events *server.LineQueue
	if d.opts.Input == "http" {
		events = ops.ingest.LineQueue
	}
	d.mux.HandleFunc("/api/v1/events", server.EventsHandler(events, ops.budget))
	server.HandleHealth(d.mux, d.ready)
	server.HandleControl(d.mux, server.Control{
		Status: d.status,
		Rules:  d.rulesInfo,
		Reload: func() bool { return ops.reload.Trigger("POST /api/v1/reload") },
	})
	server.HandleSources(d.mux, nil)
	d.mountCorrelations() // api_correlations.go
	d.mountExplain()      // api_explain.go
	return nil
}

// ready is /readyz: the processor serves (rules, pipelines and saved
// correlation state in place, engine.Hub.Ready) and the last rules
// reload did not fail.
func (d *daemon) ready() bool { return d.hub.Ready() && !d.ops.rulesFailed.Load() }

// startOperations starts the reload task, the file watcher and the SIGHUP
// listener; the returned func stops them.
func (d *daemon) startOperations() (stop func()) {
	d.ops.started.Store(time.Now().UnixNano())
	ctx, cancel := context.WithCancel(context.Background())
	go d.ops.reload.Run(ctx)
	startReloadWatch(ctx, d.opts.Rules, d.opts.Pipelines, d.ops.reload.Trigger, d.log)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if !d.ops.reload.Trigger("SIGHUP") {
					d.log.Warn("reload already pending, SIGHUP ignored")
				}
				if r := d.hub.Sources(); r != nil { // SIGHUP also re-resolves every dynamic source
					r.Trigger("")
				}
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		cancel()
	}
}

// reloadPass is one debounced reload: rules first (build, then swap; a
// failure keeps the old engine and turns readiness off), then the other
// components. Every failing component adds one to
// rsigma_reloads_failed_total; the pass itself adds one to
// rsigma_reloads_total.
func (d *daemon) reloadPass(_ context.Context, cause string) {
	start := time.Now()
	failed := 0
	st, err := d.hub.Load(d.ops.settings)
	if err != nil {
		failed++
		d.ops.rulesFailed.Store(true)
		d.log.Error("rules reload failed, previous rules stay active", "cause", cause, "error", err.Error())
	} else {
		d.hub.InstallAll(st)
		d.ops.rulesFailed.Store(false)
		d.log.Info("rules reloaded", "cause", cause, "detection_rules", len(st.Engine.Rules()),
			"rejected", len(st.Rejected), "took_ms", time.Since(start).Milliseconds())
	}
	for _, step := range d.ops.steps {
		if err := step.run(); err != nil {
			failed++
			d.log.Error("reload failed, previous version stays active", "component", step.name, "error", err.Error())
		}
	}
	d.hub.CountReload(failed)
}

// rulesInfo is GET /api/v1/rules: counts, path, and each active detection
// rule with its author.
func (d *daemon) rulesInfo() server.RulesInfo {
	v := gather(d.reg)
	info := server.RulesInfo{
		DetectionRules:   int(v["rsigma_detection_rules_loaded"]),
		CorrelationRules: int(v["rsigma_correlation_rules_loaded"]),
		RulesPath:        strings.Join(d.opts.Rules, ","),
	}
	if st := d.hub.Active(); st != nil {
		for _, r := range st.Engine.Rules() {
			ri := server.RuleInfo{RuleID: r.ID, RuleTitle: r.Title, Author: r.Author, File: r.File}
			if ls := st.RuleLogsource(r); ls.Product != "" || ls.Service != "" || ls.Category != "" {
				ri.Logsource = &server.RuleLogsource{Product: ls.Product, Service: ls.Service, Category: ls.Category}
			}
			info.Rules = append(info.Rules, ri)
		}
	}
	return info
}

// status is GET /api/v1/status: the counters of /metrics in one object.
func (d *daemon) status() server.Status {
	v := gather(d.reg)
	s := server.Status{
		Status:                  "loading",
		DetectionRules:          int(v["rsigma_detection_rules_loaded"]),
		CorrelationRules:        int(v["rsigma_correlation_rules_loaded"]),
		CorrelationStateEntries: int(v["rsigma_correlation_state_entries"]),
		EventsProcessed:         int64(v["rsigma_events_processed_total"]),
		DetectionMatches:        int64(v["rsigma_detection_matches_total"]),
		CorrelationMatches:      int64(v["rsigma_correlation_matches_total"]),
	}
	if d.ready() {
		s.Status = "running"
	}
	if started := d.ops.started.Load(); started > 0 {
		s.UptimeSeconds = time.Since(time.Unix(0, started)).Seconds()
	}
	s.DynamicSources = d.dynamicSourcesStatus() // dynamic_sources.go
	if fs := d.fleetStatus(); fs != nil {
		s.Fleet = fs // fleet.go
	}
	return s
}
