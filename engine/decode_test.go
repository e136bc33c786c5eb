package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/format"
)

// A JSON event comes from the state's pool and goes back to it without an
// allocation: the closure that gave it back cost one per event (~25 B of
// the daemon's garbage per event).
func TestDecodedJSONEventReturnsToItsPoolWithoutAllocating(t *testing.T) {
	if raceDetector {
		t.Skip("sync.Pool drops Puts under the race detector")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "whoami.yml"), []byte(fixture(t, "whoami.yml")), 0o644); err != nil {
		t.Fatal(err)
	}
	st := newTestEvaluator(t, Settings{Rules: []string{dir}, InputFormat: "json"}).State()
	fd := format.Decoded{Kind: format.KindJSON, JSON: []byte(`{"CommandLine":"whoami /all","EventID":1}`)}
	decodeAndRelease := func() {
		d, err := toEvent(st, &fd)
		if err != nil {
			t.Fatal(err)
		}
		d.release()
	}
	decodeAndRelease() // the pool's first event
	if n := testing.AllocsPerRun(1000, decodeAndRelease); n > 0 {
		t.Fatalf("%.1f allocations per decoded and released event, want 0", n)
	}
}
