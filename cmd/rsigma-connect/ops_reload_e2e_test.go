package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// opsRuleCount is detection_rules of GET /api/v1/rules.
func opsRuleCount(t *testing.T, base string) int {
	t.Helper()
	_, body := opsDo(t, "GET", base+"/api/v1/rules", "")
	return int(opsJSON(t, body)["detection_rules"].(float64))
}

// opsPostReload posts /api/v1/reload, retrying on 429 as the reference
// tests do (10 attempts, 500 ms apart).
func opsPostReload(t *testing.T, base string) {
	t.Helper()
	for i := 0; i < 10; i++ {
		status, body := opsDo(t, "POST", base+"/api/v1/reload", "")
		if status == 200 && body == `{"status":"reload_triggered"}` {
			return
		}
		if status != 429 {
			t.Fatalf("POST /api/v1/reload: %d %s", status, body)
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatal("reload still pending after 10 attempts")
}

// opsDetects posts one event and waits until stdout holds want results.
func opsDetects(t *testing.T, d *daemontest.Daemon, base, event string, want int) {
	t.Helper()
	if status, body := opsDo(t, "POST", base+"/api/v1/events", event); status != 200 {
		t.Fatalf("POST /api/v1/events: %d %s", status, body)
	}
	if got := d.WaitStdoutLines(want, 15*time.Second); len(got) != want {
		t.Fatalf("%d results on stdout, want %d:\n%s", len(got), want, strings.Join(got, "\n"))
	}
}

// Each trigger runs one reload pass (rsigma_reloads_total +1, logged with
// its cause); the watcher's pass also picks up the new rule.
func TestDaemonReloadTriggers(t *testing.T) {
	rules := opsRulesDir(t, opsSimpleRule)
	d, base := opsStart(t, rules, "--input", "http")
	passes := func(cause string) int { return strings.Count(d.Stderr(), `"cause":"`+cause+`"`) }
	next := func(t *testing.T, cause string) {
		t.Helper()
		poll.Wait(t, 15*time.Second, "a reload pass logged with cause "+cause, func() bool { return passes(cause) > 0 })
	}
	t.Run("file watcher", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(rules, "second.yml"), []byte(opsSecondRule), 0o644); err != nil {
			t.Fatal(err)
		}
		next(t, "file change: "+filepath.Join(rules, "second.yml"))
		if n := opsRuleCount(t, base); n != 2 {
			t.Fatalf("detection_rules %d after the watcher reload, want 2", n)
		}
		opsDetects(t, d, base, `{"CommandLine":"beacon.exe"}`, 1)
	})
	t.Run("SIGHUP", func(t *testing.T) {
		d.Signal(syscall.SIGHUP)
		next(t, "SIGHUP")
	})
	t.Run("POST /api/v1/reload", func(t *testing.T) {
		opsPostReload(t, base)
		next(t, "POST /api/v1/reload")
	})
	// Passes run one after another in trigger order: a second pass for an
	// earlier trigger would have been logged before the last one.
	for _, cause := range []string{"file change: " + filepath.Join(rules, "second.yml"), "SIGHUP", "POST /api/v1/reload"} {
		if n := passes(cause); n != 1 {
			t.Errorf("%d reload passes for %q, want 1:\n%s", n, cause, d.Stderr())
		}
	}
	all := float64(strings.Count(d.Stderr(), `"cause":"`))
	poll.Wait(t, 10*time.Second, "rsigma_reloads_total counts every logged pass", func() bool {
		return opsMetric(t, base, "rsigma_reloads_total") == all
	})
	if failed := opsMetric(t, base, "rsigma_reloads_failed_total"); failed != 0 {
		t.Errorf("rsigma_reloads_failed_total %v, want 0", failed)
	}
	opsStop(t, d)
}

// Removing the rules directory fails the reload: the old rules keep
// detecting, /readyz is 503 and status "loading" until a good reload.
func TestDaemonFailedReloadKeepsOldRules(t *testing.T) {
	rules := opsRulesDir(t, opsSimpleRule)
	d, base := opsStart(t, rules, "--input", "http")
	opsDetects(t, d, base, `{"CommandLine":"malware.exe"}`, 1)

	if err := os.RemoveAll(rules); err != nil {
		t.Fatal(err)
	}
	poll.Wait(t, 15*time.Second, "a failed reload counted", func() bool {
		return opsMetric(t, base, "rsigma_reloads_failed_total") >= 1
	})
	if status, body := opsDo(t, "GET", base+"/readyz", ""); status != 503 || body != `{"status":"not_ready","rules_loaded":false}` {
		t.Fatalf("/readyz after the failed reload: %d %s", status, body)
	}
	_, body := opsDo(t, "GET", base+"/api/v1/status", "")
	if st := opsJSON(t, body); st["status"] != "loading" || st["detection_rules"] != 1.0 {
		t.Fatalf("status after the failed reload: %s", body)
	}
	opsDetects(t, d, base, `{"CommandLine":"malware.exe again"}`, 2)

	// Re-create the directory with one more rule: the watcher of the
	// parent directory notices and the good reload restores readiness.
	if err := os.MkdirAll(rules, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, rule := range map[string]string{"a.yml": opsSimpleRule, "b.yml": opsSecondRule} {
		if err := os.WriteFile(filepath.Join(rules, name), []byte(rule), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The rule set is swapped a moment before readiness is set again:
	// wait for both.
	poll.Wait(t, 15*time.Second, "both rules loaded by a good reload and /readyz 200", func() bool {
		status, _ := opsDo(t, "GET", base+"/readyz", "")
		return opsRuleCount(t, base) == 2 && status == 200
	})
	opsDetects(t, d, base, `{"CommandLine":"beacon.exe"}`, 3)
	opsStop(t, d)
}
