package daemon

import (
	"context"
	"log/slog"

	natsgo "github.com/nats-io/nats.go"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/engine"
	"github.com/rsigma-connect/rsigma-connect/nats"
	"github.com/rsigma-connect/rsigma-connect/server"
	"github.com/rsigma-connect/rsigma-connect/source"
	"github.com/rsigma-connect/rsigma-connect/source/fetch"
	"github.com/rsigma-connect/rsigma-connect/source/fetch/natsfetch"
)

// openDynamic checks the pipelines, resolves the dynamic sources and loads
// the enrichers before anything is bound (daemon.md §2 steps 3, 9-11, 14):
// every failure exits 3.
func openDynamic(ctx context.Context, s engine.Settings, log *slog.Logger) (*engine.Dynamic, error) {
	dyn, err := engine.OpenDynamic(ctx, s.Dynamic, log)
	if err != nil {
		return nil, config.Configf("%v", err)
	}
	return dyn, nil
}

// sourceTransports are the transports of dynamic sources: those of
// source/fetch, and `nats` sources dialled with the --nats-* auth and TLS
// settings that every other nats:// URL of the process uses.
func sourceTransports(o *config.Options) map[source.Type]source.Transport {
	auth := config.NATSAuth(o)
	t := fetch.Transports()
	t[source.TypeNATS] = natsfetch.Transport{Dial: func(ctx context.Context, url string) (*natsgo.Conn, error) {
		return nats.Dial(ctx, url, auth)
	}}
	return t
}

// mountDynamic hands dyn (opened by preload) to the processors the stream
// builds, so that they share its sources and enrichers instead of opening
// their own, and serves its sources on /api/v1/sources (mountOperations
// registered those endpoints without sources; the mux keeps the last
// registration).
func (d *daemon) mountDynamic(dyn *engine.Dynamic) {
	d.dyn = dyn
	d.hub.SetDynamic(dyn)
	if dyn.Sources != nil {
		server.HandleSources(d.mux, resolverControl{dyn.Sources})
	}
}
