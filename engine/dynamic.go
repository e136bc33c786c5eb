package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/rsigma-connect/rsigma-connect/enrich"
	"github.com/rsigma-connect/rsigma-connect/pipeline"
	"github.com/rsigma-connect/rsigma-connect/sigma"
	"github.com/rsigma-connect/rsigma-connect/source"
	"github.com/rsigma-connect/rsigma-connect/source/fetch"
)

// ErrDynamic marks a startup configuration error in pipelines, dynamic
// sources or enrichers (exit code 3): an unknown -p name or bad pipeline
// file, an unreadable --source file or duplicate id, a required source that
// cannot be resolved, an invalid enrichers file.
var ErrDynamic = errors.New("invalid pipelines, sources or enrichers")

// Dynamic holds the long-lived parts behind pipelines and enrichers: the
// dynamic source resolver and the enrichment stage. One Dynamic serves
// every rule load (initial and reloads) of a daemon.
type Dynamic struct {
	settings DynamicSettings
	// Sources is nil without --source.
	Sources *source.Resolver
	// Enrichers is nil without --enrichers.
	Enrichers *enrich.Stage
	obs       *dynamicObserver
	inflight  atomic.Int64 // results inside the enrichment stage
}

// OpenDynamic checks the pipelines, loads and resolves the dynamic sources
// and loads the enrichers of s. Errors wrap ErrDynamic.
func OpenDynamic(ctx context.Context, s DynamicSettings, log *slog.Logger) (*Dynamic, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Dynamic{settings: s, obs: &dynamicObserver{}}
	if err := OpenPipelineArgs(s.Pipelines); err != nil { // recognition_files.go
		return nil, fmt.Errorf("%w: %v", ErrDynamic, err)
	}
	if len(s.Sources) > 0 {
		srcs, err := source.LoadPaths(s.Sources)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrDynamic, err)
		}
		transports := s.Transports
		if transports == nil {
			transports = fetch.Transports()
		}
		d.Sources = source.NewResolver(srcs, source.Options{Observer: d.obs, Logger: log, Transports: transports})
		if err := d.Sources.ResolveAll(ctx); err != nil {
			return nil, fmt.Errorf("%w: required dynamic source failed: %v", ErrDynamic, err)
		}
	}
	if s.Enrichers != "" {
		st, err := enrich.NewStage(s.Enrichers, enrich.Options{Sources: d.Sources, Observer: d.obs, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrDynamic, err)
		}
		d.Enrichers = st
	}
	return d, nil
}

// Run re-resolves dynamic sources in the background (intervals, file
// watches, triggers) until ctx ends.
func (d *Dynamic) Run(ctx context.Context) {
	if d != nil && d.Sources != nil {
		d.Sources.Run(ctx)
	}
}

// ReloadEnrichers re-reads the enrichers file; on error the previous
// enrichers stay active. Without --enrichers it does nothing.
func (d *Dynamic) ReloadEnrichers() error {
	if d == nil || d.Enrichers == nil {
		return nil
	}
	err := d.Enrichers.Reload()
	if err == nil {
		d.obs.precreate(d.Enrichers.Current())
	}
	return err
}

// refresh re-resolves every dynamic source before a reload rebuilds the
// rules; failures follow each source's error policy (use_cached keeps the
// previous value) and are logged by the resolver.
func (d *Dynamic) refresh() {
	if d != nil && d.Sources != nil {
		_ = d.Sources.Refresh(context.Background())
	}
}

// snapshot returns the current source values (nil without sources).
func (d *Dynamic) snapshot() *source.Snapshot {
	if d == nil || d.Sources == nil {
		return nil
	}
	return d.Sources.Snapshot()
}

// applyPipelines re-reads the -p pipelines (file pipelines may have
// changed), resolves their source references from dyn and applies them to
// rs after its filters; it returns the pipelines' warnings. An error fails
// the load.
func applyPipelines(s DynamicSettings, dyn *Dynamic, rs *sigma.RuleSet) ([]string, error) {
	names, _ := SplitPipelineArgs(s.Pipelines) // recognition files are read by loadState
	if len(names) == 0 {
		return nil, nil
	}
	pls, err := pipeline.OpenAll(names)
	if err != nil {
		return nil, err
	}
	if pls, err = pipeline.ResolveAll(pls, dyn.snapshot(), s.AllowRemoteInclude); err != nil {
		return nil, err
	}
	rs.ApplyFilters()
	return pipeline.Apply(pls, rs).Warnings, nil
}

func (d *Dynamic) currentEnrichers() *enrich.Set {
	if d == nil || d.Enrichers == nil {
		return nil
	}
	return d.Enrichers.Current()
}
