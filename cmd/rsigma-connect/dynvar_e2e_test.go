package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// The DYNVAR fixture of daemon-acceptance.md §0 exactly: the rule value
// carries no |expand, and value_placeholders fills it as rsigma does.
var dynVarFixtureRule = strings.Replace(dynVarRule, "CommandLine|contains|expand:", "CommandLine|contains:", 1)

// dynVarDaemon starts an --input http daemon on the DYNVAR fixture with the
// source file holding list; it returns the daemon, its base URL and the
// source file.
func dynVarDaemon(t *testing.T, list string) (*daemontest.Daemon, string, string) {
	t.Helper()
	dir := t.TempDir()
	rules := pipeWrite(t, dir, "rules/r.yml", dynVarFixtureRule)
	listFile := pipeWrite(t, dir, "list.json", list)
	sources := pipeWrite(t, dir, "sources.yml", fmt.Sprintf(
		"sources:\n  - {id: cmd_list, type: file, path: %s, format: json, refresh: watch, on_error: use_cached}\n", listFile))
	d, base := opsStart(t, filepath.Dir(rules), "--input", "http", "-p", pipeWrite(t, dir, "dyn.yml", dynVarPipeline), "--source", sources)
	return d, base, listFile
}

// dynVarStatus is one number of GET /api/v1/status (dotted for
// dynamic_sources.*).
func dynVarStatus(t *testing.T, base, key string) float64 {
	t.Helper()
	_, body := opsDo(t, "GET", base+"/api/v1/status", "")
	var v any = opsJSON(t, body)
	for _, k := range strings.Split(key, ".") {
		v = v.(map[string]any)[k]
	}
	n, _ := v.(float64)
	return n
}

// dynVarPost posts the scenario event and waits until detection_matches
// reaches want.
func dynVarPost(t *testing.T, base string, want float64) {
	t.Helper()
	if status, body := opsDo(t, "POST", base+"/api/v1/events", `{"CommandLine":"malware.exe --payload"}`); status != 200 {
		t.Fatalf("POST /api/v1/events: %d %s", status, body)
	}
	poll.Wait(t, 10*time.Second, fmt.Sprintf("detection_matches >= %v", want), func() bool {
		return dynVarStatus(t, base, "detection_matches") >= want
	})
}

// dynVarReload posts /api/v1/reload and waits for its pass.
func dynVarReload(t *testing.T, base string) {
	t.Helper()
	before := opsMetric(t, base, "rsigma_reloads_total")
	opsPostReload(t, base)
	poll.Wait(t, 10*time.Second, "the reload pass", func() bool {
		return opsMetric(t, base, "rsigma_reloads_total") > before
	})
	if failed := opsMetric(t, base, "rsigma_reloads_failed_total"); failed != 0 {
		t.Fatalf("rsigma_reloads_failed_total %v", failed)
	}
}

// Scenarios 62, 64, 65, 66 and 68 of daemon-acceptance.md §6 with the
// DYNVAR fixture as written there (no |expand on the rule value).
func TestAcceptanceDynamicSourcesWithoutExpand(t *testing.T) {
	t.Run("62_var_expansion_detects", func(t *testing.T) {
		d, base, _ := dynVarDaemon(t, `["malware.exe","evil.bat"]`)
		dynVarPost(t, base, 1)
		opsStop(t, d)
	})
	t.Run("64_reload_preserves_detection", func(t *testing.T) {
		d, base, _ := dynVarDaemon(t, `["malware.exe","evil.bat"]`)
		dynVarPost(t, base, 1)
		dynVarReload(t, base)
		dynVarPost(t, base, 2)
		opsStop(t, d)
	})
	t.Run("65_source_change_and_reload", func(t *testing.T) {
		d, base, list := dynVarDaemon(t, `["unlikely_string_xyz"]`)
		if status, body := opsDo(t, "POST", base+"/api/v1/events", `{"CommandLine":"malware.exe --payload"}`); status != 200 {
			t.Fatalf("POST /api/v1/events: %d %s", status, body)
		}
		poll.Wait(t, 10*time.Second, "the event processed", func() bool {
			return dynVarStatus(t, base, "events_processed") >= 1
		})
		if n := dynVarStatus(t, base, "detection_matches"); n != 0 {
			t.Fatalf("detection_matches %v before the source lists the command", n)
		}
		pipeWrite(t, filepath.Dir(list), filepath.Base(list), `["malware.exe"]`)
		dynVarReload(t, base)
		dynVarPost(t, base, 1)
		opsStop(t, d)
	})
	t.Run("66_use_cached_after_the_source_disappears", func(t *testing.T) {
		d, base, list := dynVarDaemon(t, `["malware.exe","evil.bat"]`)
		dynVarPost(t, base, 1)
		if err := os.Remove(list); err != nil {
			t.Fatal(err)
		}
		if status, body := opsDo(t, "POST", base+"/api/v1/sources/resolve", ""); status != 200 {
			t.Fatalf("POST /api/v1/sources/resolve: %d %s", status, body)
		}
		dynVarPost(t, base, 2)
		opsStop(t, d)
	})
	t.Run("68_resolve_then_reload_detects", func(t *testing.T) {
		d, base, list := dynVarDaemon(t, `["unlikely_string_xyz"]`)
		activity := func() float64 {
			return dynVarStatus(t, base, "dynamic_sources.resolves_total") + dynVarStatus(t, base, "dynamic_sources.errors_total")
		}
		before := activity()
		pipeWrite(t, filepath.Dir(list), filepath.Base(list), `["malware.exe"]`)
		if status, body := opsDo(t, "POST", base+"/api/v1/sources/resolve", ""); status != 200 {
			t.Fatalf("POST /api/v1/sources/resolve: %d %s", status, body)
		}
		poll.Wait(t, 10*time.Second, "resolve activity", func() bool { return activity() > before })
		dynVarReload(t, base)
		dynVarPost(t, base, 1)
		opsStop(t, d)
	})
}
