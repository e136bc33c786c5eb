package config

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
