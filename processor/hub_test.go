package processor

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// The hub is ready only once a processor has installed its rules and
// restored the saved correlation state, not when the rules are preloaded.
func TestHubReadyOnceTheProcessorServes(t *testing.T) {
	dir := bruteDir(t)
	s, err := ParseSettingsYAML(fmt.Sprintf("rules: [%s]\ncorrelation: {no_detections: true}\nstate: {path: %s}\n",
		dir, filepath.Join(t.TempDir(), "state.db")))
	if err != nil {
		t.Fatal(err)
	}
	first, err := New(s, service.MockResources(), nil)
	if err != nil {
		t.Fatal(err)
	}
	outputs(t, first, failedLogons(1, 3, "bob"))
	if err := first.Close(context.Background()); err != nil { // saves the state
		t.Fatal(err)
	}

	hub := engine.NewHub()
	st, err := engine.Load(s)
	if err != nil {
		t.Fatal(err)
	}
	hub.Preload(st)
	if hub.Ready() {
		t.Fatal("ready with the rules preloaded, before any processor restored the saved state")
	}
	p, err := New(s, service.MockResources(), hub)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	if !hub.Ready() {
		t.Fatal("not ready after the processor attached")
	}
	if n := p.Evaluator().State().Correlation.StateEntries(); n != 1 {
		t.Fatalf("%d correlation groups when ready, want the restored 1", n)
	}
}
