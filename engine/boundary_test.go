package engine

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportBoundaries guards the package boundaries of issue 17 with `go
// list -deps`: the engine and the libraries below it link no stream
// framework, NATS client or gRPC, and the `sigma` plugin a host Benthos
// build imports links no NATS client, gRPC or Prometheus client.
func TestImportBoundaries(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	for _, c := range []struct {
		pkg       string
		forbidden []string
	}{
		{"../engine", []string{"github.com/redpanda-data/", "github.com/nats-io/", "google.golang.org/grpc"}},
		{"../sigma", []string{"github.com/redpanda-data/", "github.com/nats-io/", "net/http"}},
		{"../correlation", []string{"github.com/redpanda-data/", "github.com/nats-io/", "net/http"}},
		{"../pipeline", []string{"github.com/redpanda-data/", "github.com/nats-io/", "net/http"}},
		{"../processor", []string{"github.com/nats-io/", "google.golang.org/grpc", "github.com/prometheus/"}},
	} {
		out, err := exec.Command("go", "list", "-deps", c.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", c.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range c.forbidden {
				if dep == f || strings.HasPrefix(dep, f) {
					t.Errorf("%s links %s", c.pkg, dep)
				}
			}
		}
	}
}
