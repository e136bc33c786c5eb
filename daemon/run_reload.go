package daemon

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// RegisterForRun is Register for the binary's own commands (`run`, `lint`,
// …): the `sigma` processors it builds attach to the returned hub, so that
// ReloadOnSIGHUP reaches them. Each processor keeps its own rules and
// dynamic sources; the hub only enumerates them.
func RegisterForRun(env *service.Environment) (*engine.Hub, error) {
	hub := engine.NewHub()
	return hub, register(env, hub)
}

// ReloadOnSIGHUP reloads the rules of every processor attached to hub on
// each SIGHUP until ctx ends, as SIGHUP does in the daemon: a reload that
// fails keeps the processor's previous rules and is logged as an ERROR
// naming file, rule and YAML path. Without it, SIGHUP would end the process.
func ReloadOnSIGHUP(ctx context.Context, hub *engine.Hub) {
	log := NewLogger(os.Stderr)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				reloadAll(hub, log)
			}
		}
	}()
}

func reloadAll(hub *engine.Hub, log *slog.Logger) {
	evals := hub.Evaluators()
	if len(evals) == 0 {
		log.Warn("SIGHUP: no sigma processor to reload")
		return
	}
	for i, e := range evals {
		if err := e.Reload(); err != nil {
			log.Error("rules reload failed, previous rules kept", "trigger", "SIGHUP", "processor", i, "error", err)
			continue
		}
		log.Info("rules reloaded", "trigger", "SIGHUP", "processor", i, "detection_rules", len(e.State().Engine.Rules()))
	}
}
