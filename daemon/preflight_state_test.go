package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/config"
)

func TestPreflightStateDB(t *testing.T) {
	dir := t.TempDir()
	o := preflightOptions()
	o.StateDB = filepath.Join(dir, "new.db")
	if err := preflightStateDB(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(o.StateDB); err != nil {
		t.Fatalf("state db not created: %v", err)
	}
	o.StateDB = filepath.Join(dir, "notes.txt")
	os.WriteFile(o.StateDB, []byte(strings.Repeat("plain text\n", 100)), 0o600)
	err := preflightStateDB(context.Background(), o)
	if config.CodeOf(err) != config.ExitConfig || !strings.Contains(err.Error(), "--state-db") {
		t.Fatalf("foreign file: %v", err)
	}
}

// preflightOptions are valid daemon options for the preflight checks.
func preflightOptions() *config.Options {
	o := config.Defaults()
	o.Rules = []string{"rules"}
	o.APIAddr = "127.0.0.1:9090"
	return o
}
