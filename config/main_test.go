package config

import (
	"os"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/exporter"
	"github.com/rsigma-connect/rsigma-connect/nats"
	"github.com/rsigma-connect/rsigma-connect/scanner"
	outputs "github.com/rsigma-connect/rsigma-connect/sink"
)

// TestMain registers the components of the generated configurations on the
// global environment, as the binary does (daemon.Register; the `sigma`
// processor registers on import), so that the tests can lint them.
func TestMain(m *testing.M) {
	env := service.GlobalEnvironment()
	for _, err := range []error{scanner.Register(env), outputs.Register(env), nats.Register(env), exporter.RegisterPrometheus(env, nil)} {
		if err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
