package examples_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

// hostModule writes examples/embed as a module in a temp dir, pointed at
// this checkout, and returns its directory and an environment that
// resolves modules from the local module cache only (as CI has it after
// downloading the main module's dependencies): the host needs no module
// outside the main module's graph.
func hostModule(t *testing.T) (string, []string) {
	t.Helper()
	root := daemontest.ModuleRoot()
	dir := t.TempDir()
	main, err := os.ReadFile(filepath.Join(root, "examples", "embed", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	gomod := "module example.com/embed\n\ngo 1.26.0\n\nrequire (\n" +
		"\tgithub.com/redpanda-data/benthos/v4 v4.60.0\n\tgithub.com/rsigma-connect/rsigma-connect v0.0.0\n)\n\n" +
		"replace github.com/rsigma-connect/rsigma-connect => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"main.go": main, "go.mod": []byte(gomod), "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off")
	return dir, env
}

// run runs name args in dir with env and returns stdout.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// TestEmbedInHostBuild builds examples/embed, a host build with the
// framework's pure and io components and our processor: the only
// components of ours it lists are sigma and sigma_dlq_entry (no
// `prometheus`, no NATS), `list --format cue` works, and the config tests
// of docs/examples/sigma pass with the host's own test runner.
func TestEmbedInHostBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a host binary")
	}
	dir, env := hostModule(t)
	host := filepath.Join(dir, "host")
	run(t, dir, env, "go", "build", "-o", host, ".")
	t.Logf("host module graph: %d modules (go list -m all)", len(strings.Fields(run(t, dir, env, "go", "list", "-m", "-f", "{{.Path}}", "all"))))

	var listed map[string][]string
	if err := json.Unmarshal([]byte(run(t, dir, env, host, "list", "--format", "json")), &listed); err != nil {
		t.Fatal(err)
	}
	var ours []string
	for kind, names := range listed {
		for _, n := range names {
			if strings.Contains(n, "sigma") || strings.Contains(n, "nats_jetstream") || (kind == "metrics" && n == "prometheus") {
				ours = append(ours, kind+" "+n)
			}
		}
	}
	slices.Sort(ours)
	if want := []string{"processors sigma", "processors sigma_dlq_entry"}; !slices.Equal(ours, want) {
		t.Errorf("the host lists %q of ours, want %q", ours, want)
	}
	run(t, dir, env, host, "list", "--format", "cue")

	examples := filepath.Join(daemontest.ModuleRoot(), "docs", "examples", "sigma")
	if out := run(t, examples, env, host, "test", "./..."); strings.Count(out, "succeeded") != 4 {
		t.Errorf("config tests in the host build:\n%s", out)
	}
}
