// Package daemon runs `rsigma-connect engine daemon`: it validates the flags,
// translates them into a stream configuration, preloads the rules, binds the
// API listener and runs the stream until a signal or the end of the source.
package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/engine"
	"github.com/rsigma-connect/rsigma-connect/exporter"
	"github.com/rsigma-connect/rsigma-connect/fleet/natsfleet"
	"github.com/rsigma-connect/rsigma-connect/internal/redact"
	"github.com/rsigma-connect/rsigma-connect/processor"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// Run runs the daemon for o and returns when it has stopped. The error, if
// any, carries the exit code (config.CodeOf). stdout receives only
// --print-config output and stdout sink results, never logs.
func Run(ctx context.Context, o *config.Options, stdout io.Writer) error {
	if err := config.Validate(o); err != nil {
		return err
	}
	if err := preflightPipelines(o); err != nil { // a -p file that cannot be read or parsed → 3
		return err
	}
	streamYAML, err := config.StreamYAML(o)
	if err != nil {
		return config.Configf("%v", err)
	}
	if o.PrintConfig {
		_, err := stdout.Write(streamYAML)
		return err
	}
	log := NewLogger(os.Stderr)

	if err := preflightStateDB(ctx, o); err != nil { // corrupt, foreign or unwritable → 3
		return err
	}
	st, dyn, err := preload(ctx, o, log)
	if err != nil {
		return err
	}
	dynCtx, stopDynamic := context.WithCancel(ctx)
	defer stopDynamic()
	go dyn.Run(dynCtx) // dynamic source refresh (dynamic.go)
	if err := preflightSinks(o); err != nil {
		return err
	}
	if err := preflightNATS(ctx, o, log); err != nil { // unreachable server, refused credentials → 3
		return err
	}
	if err := checkFleet(ctx, o); err != nil { // fleet.go: another partition count → 3
		return err
	}
	d, err := newDaemon(o, st, log)
	if err != nil {
		return err
	}
	d.mountDynamic(dyn)
	return d.run(ctx, string(streamYAML))
}

// preload opens the pipelines, dynamic sources and enrichers (exit 3) and
// loads the rules before anything is bound, with the settings the stream's
// processor will have, so that a bad rules path exits 2.
func preload(ctx context.Context, o *config.Options, log *slog.Logger) (*engine.State, *engine.Dynamic, error) {
	body, err := config.ProcessorYAML(o)
	if err != nil {
		return nil, nil, config.Configf("%v", err)
	}
	settings, err := processor.ParseSettingsYAML(body)
	if err != nil {
		return nil, nil, config.Configf("sigma processor: %v", err)
	}
	settings.Dynamic.Transports = sourceTransports(o)
	dyn, err := openDynamic(ctx, settings, log)
	if err != nil {
		return nil, nil, err
	}
	st, err := loadRules(settings, dyn, o.Rules)
	if err != nil {
		return nil, nil, &config.ExitError{Code: config.ExitRules, Err: err}
	}
	return st, dyn, nil
}

// loadRules loads the rules under the load-time GC policy, then switches
// to the running policy (memory.go). Rejected rules fail the startup only
// as State.StartupError decides (none loaded, or --strict-rules).
func loadRules(settings engine.Settings, dyn *engine.Dynamic, paths []string) (*engine.State, error) {
	loaded := duringLoad(paths)
	defer loaded()
	st, err := engine.LoadWith(settings, dyn)
	if err == nil {
		err = st.StartupError(settings.StrictRules, settings.Rules)
	}
	return st, err
}

// daemon is one running instance.
type daemon struct {
	opts *config.Options
	log  *slog.Logger
	env  *service.Environment
	hub  *engine.Hub
	reg  *prometheus.Registry
	mux  *server.Mux
	api  *server.Server

	certs *server.CertStore   // nil without --tls-cert; reloadTLS (tls.go) swaps it
	conns *server.ConnLimiter // the API listener's connection limit (tls.go)
	dyn   *engine.Dynamic     // sources and enrichers (dynamic.go)
	fleet *natsfleet.Board    // the fleet member's status, nil outside a fleet (fleet.go)
	ops   *operations         // input queue, /api/v1, readiness, hot reload (api.go)
	// merged is the stream's input unless --input http (otlp_input.go),
	// set when the stream builds it; drain.go ends it.
	merged atomic.Pointer[mergedInput]
	// stdoutClosed is closed when a write finds stdout closed (stdout.go).
	stdoutClosed chan struct{}
}

func newDaemon(o *config.Options, st *engine.State, log *slog.Logger) (*daemon, error) {
	d := &daemon{
		opts: o, log: log, stdoutClosed: make(chan struct{}),
		env: service.GlobalEnvironment().Clone(),
		hub: engine.NewHub(),
		reg: prometheus.NewRegistry(),
		mux: server.NewMux(),
	}
	d.hub.Preload(st)
	if err := Register(d.env); err != nil {
		return nil, config.Configf("registering the daemon's components: %v", err)
	}
	if err := processor.Register(d.env, d.hub); err != nil {
		return nil, config.Configf("registering the sigma processor: %v", err)
	}
	if err := d.mountFleet(); err != nil {
		return nil, err
	}
	if err := exporter.RegisterPrometheus(d.env, d.reg); err != nil {
		return nil, config.Configf("registering the metrics exporter: %v", err)
	}
	if err := d.registerStdout(); err != nil { // stdout.go
		return nil, err
	}
	d.mux.Handle("/metrics", promhttp.HandlerFor(d.reg, promhttp.HandlerOpts{}))
	if err := d.mountOperations(); err != nil { // /healthz, /readyz, /api/v1/*, reload (api.go)
		return nil, err
	}
	d.addReloadStep("tls", d.reloadTLS)
	if _, err := d.mountOTLP(d.ops.ingest); err != nil { // otlp.go
		return nil, err
	}
	handler, err := d.apiHandler() // the mux, behind bearer tokens if configured (auth.go)
	if err != nil {
		return nil, err
	}
	ln, err := d.listenAPI() // plain or TLS (tls.go)
	if err != nil {
		return nil, err
	}
	d.api = server.New(ln, handler, server.Options{Log: d.log, Connections: d.conns})
	return d, nil
}

// run builds and runs the stream until the source ends or a signal arrives,
// then drains within --drain-timeout and stops the API server.
func (d *daemon) run(ctx context.Context, streamYAML string) error {
	sigCtx, stopSignals := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stopSignals()
	defer catchSIGPIPE()() // stdout.go

	sb := d.env.NewStreamBuilder()
	sb.SetHTTPMux(d.mux)
	sb.SetLogger(d.log)
	streamYAML, err := d.withOTLPInput(streamYAML) // otlp.go
	if err != nil {
		_ = d.api.Shutdown(context.Background())
		return err
	}
	if err := sb.SetYAML(streamYAML); err != nil {
		_ = d.api.Shutdown(context.Background())
		return config.Configf("stream config: %v", err)
	}
	strm, err := sb.Build()
	if err != nil {
		_ = d.api.Shutdown(context.Background())
		return config.Configf("stream config: %v", err)
	}
	defer d.startOperations()()  // reload task, file watcher, SIGHUP (api.go)
	defer d.startNATSControl()() // rsigma.control.resolve → dynamic sources (nats_control.go)

	go func() {
		if err := d.api.Serve(); err != nil {
			d.log.Error("API server failed", "error", err)
		}
	}()
	d.log.Info("API server listening", "addr", d.api.Addr().String())

	runErr := make(chan error, 1)
	go func() { runErr <- strm.Run(context.Background()) }()
	d.log.Info("Sink started", "outputs", fmt.Sprint(redact.URLs(d.opts.Outputs)))

	var result error
	apiDeadline := time.Now().Add(time.Second) // set when the source ends by itself
	select {
	case err := <-runErr:
		if err != nil {
			result = config.Configf("stream: %v", err)
		} else {
			d.log.Info("Streaming pipeline complete")
		}
	case <-sigCtx.Done():
		d.log.Info("shutdown signal received, draining", "drain_timeout_secs", d.opts.DrainTimeout.Seconds())
		d.drain(strm, runErr, time.Now().Add(d.opts.DrainTimeout)) // drain.go
		apiDeadline = time.Now().Add(apiGrace)
	case <-d.onlySinkClosed(): // stdout.go
		d.log.Warn("stdout, the only sink, is closed: draining and shutting down", "drain_timeout_secs", d.opts.DrainTimeout.Seconds())
		d.drain(strm, runErr, time.Now().Add(d.opts.DrainTimeout))
		apiDeadline = time.Now().Add(apiGrace)
	}
	if err := d.hub.CloseState(); err != nil { // final correlation snapshot, also after a drain timeout
		d.log.Warn("saving correlation state", "error", err.Error())
	}
	d.closeAPI(apiDeadline)
	return result
}
