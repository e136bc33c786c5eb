package nats

import (
	"os"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// TestMain registers the plugins on the global environment, which the
// tests' streams and linters use.
func TestMain(m *testing.M) {
	if err := Register(service.GlobalEnvironment()); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}
