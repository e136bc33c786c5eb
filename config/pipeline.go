package config

import "github.com/rsigma-connect/rsigma-connect/pipeline"

// pipelineSection is the processor's pipelines, sources and enrichers
// fields; keys are written only when their flag was given, so configs
// without these features stay unchanged.
func pipelineSection(o *Options) omap {
	var m omap
	if len(o.Pipelines) > 0 {
		m = append(m, kv{"pipelines", o.Pipelines})
	}
	if len(o.Sources) > 0 {
		m = append(m, kv{"sources", o.Sources})
	}
	if o.AllowRemoteInclude {
		m = append(m, kv{"allow_remote_include", true})
	}
	if o.Enrichers != "" {
		m = append(m, kv{"enrichers", o.Enrichers})
	}
	return m
}

// validatePipelines checks every -p argument: a builtin name, else a
// readable, valid pipeline file (daemon.md §3.4, exit 3). Sources and
// enrichers are checked when the daemon opens them (they may need I/O).
func validatePipelines(o *Options) error {
	if _, err := pipeline.OpenAll(o.Pipelines); err != nil {
		return Configf("-p/--pipeline: %v", err)
	}
	return nil
}
