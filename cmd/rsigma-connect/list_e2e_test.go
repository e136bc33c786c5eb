package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

// TestListFormats: `list --format cue|jsonschema|json` walks the spec of
// every registered component, ours included, and exits 0 (a spec the CUE
// generator cannot express used to panic the whole command).
func TestListFormats(t *testing.T) {
	bin := daemontest.Binary(t)
	for _, format := range []string{"cue", "jsonschema", "json"} {
		out, err := exec.Command(bin, "list", "--format", format).Output()
		if err != nil {
			var stderr string
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Errorf("list --format %s: %v\n%.2000s", format, err, stderr)
			continue
		}
		for _, name := range []string{"sigma", "sigma_dlq_entry", "sigma_stdout", "sigma_lines", "sigma_stdin", "sigma_nats_jetstream", "prometheus"} {
			if !strings.Contains(string(out), name) {
				t.Errorf("list --format %s does not mention %s", format, name)
			}
		}
	}
}
