package daemon

import (
	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/engine"
)

// preflightPipelines checks every -p argument: a builtin name, else a
// readable, valid pipeline file or logsource recognition file (daemon.md §3.4,
// exit 3). Sources and
// enrichers are checked when the daemon opens them (they may need I/O).
func preflightPipelines(o *config.Options) error {
	if err := engine.OpenPipelineArgs(o.Pipelines); err != nil {
		return config.Configf("-p/--pipeline: %v", err)
	}
	return nil
}
