package daemon

import (
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
	"github.com/rsigma-connect/rsigma-connect/exporter"
	"github.com/rsigma-connect/rsigma-connect/nats"
	"github.com/rsigma-connect/rsigma-connect/processor"
	"github.com/rsigma-connect/rsigma-connect/scanner"
	"github.com/rsigma-connect/rsigma-connect/sink"
	"github.com/rsigma-connect/rsigma-connect/source"
	"github.com/rsigma-connect/rsigma-connect/source/fetch"
	"github.com/rsigma-connect/rsigma-connect/source/fetch/natsfetch"
)

// Register registers on env the components that the daemon's stream
// configuration uses beyond the `sigma` processor (which importing package
// processor registers): the sigma_stdin input and sigma_lines scanner, the
// sigma_stdout and sigma_file outputs, the sigma_pretty processor, the
// sigma_nats_jetstream input and output, the `prometheus` metrics exporter
// and a standalone sigma_http_events input (serving its own listener); and
// it registers `sigma` again with the transport of `nats` dynamic sources.
// The binary calls it on the global environment so that `rsigma-connect run`
// runs a printed configuration; the daemon calls it on its own environment,
// then replaces the ones it wires to itself (stdout, prometheus, sigma).
func Register(env *service.Environment) error { return register(env, nil) }

// register is Register with the `sigma` processors attached to hub (nil:
// none).
func register(env *service.Environment, hub *engine.Hub) error {
	transports := fetch.Transports()
	transports[source.TypeNATS] = natsfetch.Transport{}
	for _, register := range []func(*service.Environment) error{
		func(env *service.Environment) error {
			return processor.RegisterWith(env, processor.Options{Hub: hub, Transports: transports})
		},
		scanner.Register,
		sink.Register,
		nats.Register,
		func(env *service.Environment) error { return exporter.RegisterPrometheus(env, nil) },
		registerStandaloneHTTPEvents, // the daemon registers its own over it
	} {
		if err := register(env); err != nil {
			return err
		}
	}
	return nil
}
