package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

// TestConfigExamples runs the config tests shipped in docs/examples/sigma
// (detect, switch, branch, annotate, no match) with the binary's own test
// runner, from that directory as a user would.
func TestConfigExamples(t *testing.T) {
	dir := filepath.Join(daemontest.ModuleRoot(), "docs", "examples", "sigma")
	cmd := exec.Command(daemontest.Binary(t), "test", "./...")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("rsigma-connect test ./... in %s: %v\n%s", dir, err, out)
	}
	for _, name := range []string{"annotate.yaml", "branch.yaml", "detect.yaml", "switch.yaml"} {
		if !strings.Contains(string(out), "Test '"+name+"' succeeded") {
			t.Errorf("no success line for %s:\n%s", name, out)
		}
	}
}
