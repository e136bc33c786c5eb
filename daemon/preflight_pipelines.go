package daemon

import (
	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/pipeline"
)

// preflightPipelines checks every -p argument: a builtin name, else a
// readable, valid pipeline file (daemon.md §3.4, exit 3). Sources and
// enrichers are checked when the daemon opens them (they may need I/O).
func preflightPipelines(o *config.Options) error {
	if _, err := pipeline.OpenAll(o.Pipelines); err != nil {
		return config.Configf("-p/--pipeline: %v", err)
	}
	return nil
}
