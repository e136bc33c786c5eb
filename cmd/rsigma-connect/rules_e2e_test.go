package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// opsSimpleRule after an edit whose regular expression does not compile.
var rulesBrokenRegex = strings.Replace(opsSimpleRule, "CommandLine|contains: malware", "CommandLine|re: '(['", 1)

// The YAML path daemon.md asks rejections to name, after file and rule.
const rulesBrokenWhere = ": Test Rule: detection.selection.CommandLine|re: invalid regular expression"

// A rule whose base64offset value is empty: pySigma's forms are all empty,
// so it matches any CommandLine (it made the loader panic before).
const rulesEmptyBase64Offset = `title: Empty Base64 Offset
id: 00000000-0000-0000-0000-0000000000b6
level: low
logsource: {category: process_creation, product: windows}
detection:
    selection:
        CommandLine|base64offset|contains: ''
    condition: selection
`

// Scenario 86 of daemon-acceptance.md: a rules change that fails to
// compile fails the reload; the old rule keeps matching, /readyz is 503
// and status "loading" until the file is fixed.
func TestAcceptanceRuleThatStopsCompilingFailsTheReload(t *testing.T) {
	rules := opsRulesDir(t, opsSimpleRule)
	file := filepath.Join(rules, "rule0.yml")
	d, base := opsStart(t, rules, "--input", "http")
	opsDetects(t, d, base, `{"CommandLine":"malware.exe"}`, 1)

	if err := os.WriteFile(file, []byte(rulesBrokenRegex), 0o644); err != nil {
		t.Fatal(err)
	}
	poll.Wait(t, 10*time.Second, "the reload counted as failed", func() bool {
		return opsMetric(t, base, "rsigma_reloads_failed_total") == 1
	})
	if status, body := opsDo(t, "GET", base+"/readyz", ""); status != 503 || body != `{"status":"not_ready","rules_loaded":false}` {
		t.Fatalf("/readyz after the failed reload: %d %s", status, body)
	}
	_, body := opsDo(t, "GET", base+"/api/v1/status", "")
	if st := opsJSON(t, body); st["status"] != "loading" || st["detection_rules"] != 1.0 {
		t.Fatalf("status after the failed reload: %s", body)
	}
	if !strings.Contains(d.Stderr(), file+rulesBrokenWhere) {
		t.Fatalf("no error naming file, rule and YAML path:\n%s", d.Stderr())
	}
	opsDetects(t, d, base, `{"CommandLine":"malware.exe again"}`, 2) // the old rule still matches

	if err := os.WriteFile(file, []byte(opsSimpleRule), 0o644); err != nil {
		t.Fatal(err)
	}
	poll.Wait(t, 10*time.Second, "/readyz 200 after the fix", func() bool {
		status, _ := opsDo(t, "GET", base+"/readyz", "")
		return status == 200
	})
	if failed := opsMetric(t, base, "rsigma_reloads_failed_total"); failed != 1 {
		t.Fatalf("rsigma_reloads_failed_total %v after the good reload, want 1", failed)
	}
	opsDetects(t, d, base, `{"CommandLine":"malware.exe fixed"}`, 3)
	opsStop(t, d)
}

// At startup rejected rules are logged and the rest loads; no rule at all,
// or with --strict-rules any rejection, exits 2 naming file, rule and path.
func TestDaemonStartupRejectedRules(t *testing.T) {
	good := opsRulesDir(t, opsSimpleRule)
	broken := opsRulesDir(t, rulesBrokenRegex)
	brokenFile := filepath.Join(broken, "rule0.yml")
	empty := t.TempDir()
	for _, tc := range []struct {
		name    string
		args    []string
		code    int
		results int
		stderr  string
	}{
		{"one_rejected_rest_loads", []string{"-r", good, "-r", broken}, 0, 1, "rule rejected: " + brokenFile + rulesBrokenWhere},
		{"every_rule_rejected_exits_2", []string{"-r", broken}, 2, 0, "all 1 rule(s) rejected: " + brokenFile + rulesBrokenWhere},
		{"no_rules_exits_2", []string{"-r", empty}, 2, 0, "no rules found in " + empty},
		{"strict_rules_exits_2", []string{"-r", good, "-r", broken, "--strict-rules"}, 2, 0, "1 rule(s) rejected (strict rules): " + brokenFile + rulesBrokenWhere},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, stderr, code := pipeRun(t, `{"CommandLine":"malware.exe"}`+"\n", tc.args...)
			if code != tc.code || len(lines) != tc.results || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d with %d results, want %d with %d and stderr containing %q:\n%s", code, len(lines), tc.code, tc.results, tc.stderr, stderr)
			}
		})
	}
}

// The rule that panicked the loader (base64offset of ”) loads at startup
// and, copied into the watched directory, is picked up by a reload that
// leaves the daemon running.
func TestDaemonEmptyBase64OffsetRuleLoads(t *testing.T) {
	t.Run("at_startup", func(t *testing.T) {
		rules := opsRulesDir(t, opsSimpleRule, rulesEmptyBase64Offset)
		lines, stderr, code := pipeRun(t, `{"CommandLine":"malware.exe"}`+"\n", "-r", rules)
		if code != 0 || len(lines) != 2 {
			t.Fatalf("exit %d, results %v, want both rules to match\n%s", code, lines, stderr)
		}
	})
	t.Run("copied_into_the_watched_directory", func(t *testing.T) {
		rules := opsRulesDir(t, opsSimpleRule)
		d, base := opsStart(t, rules, "--input", "http")
		reloads := opsMetric(t, base, "rsigma_reloads_total")
		if err := os.WriteFile(filepath.Join(rules, "b64.yml"), []byte(rulesEmptyBase64Offset), 0o644); err != nil {
			t.Fatal(err)
		}
		poll.Wait(t, 10*time.Second, "a reload with both rules", func() bool {
			return opsMetric(t, base, "rsigma_reloads_total") > reloads && opsRuleCount(t, base) == 2
		})
		opsDetects(t, d, base, `{"CommandLine":"malware.exe"}`, 2)
		if failed := opsMetric(t, base, "rsigma_reloads_failed_total"); failed != 0 {
			t.Fatalf("rsigma_reloads_failed_total %v, want 0", failed)
		}
		opsStop(t, d)
	})
}

// A rule file reached by two rule paths is loaded once and detects once;
// the same id in two files is a WARN naming both.
func TestDaemonRulePathGivenTwice(t *testing.T) {
	rules := opsRulesDir(t, opsSimpleRule)
	for _, args := range [][]string{
		{"-r", rules, "-r", rules},
		{"-r", rules, "-r", filepath.Join(rules, "rule0.yml")},
		{"-r", rules, "-r", filepath.Join(rules, "..", filepath.Base(rules))},
	} {
		lines, stderr, code := pipeRun(t, `{"CommandLine":"malware.exe"}`+"\n", args...)
		if code != 0 || len(lines) != 1 {
			t.Fatalf("%v: exit %d, %d results, want 1\n%s", args, code, len(lines), stderr)
		}
	}
	copyDir := opsRulesDir(t, opsSimpleRule)
	lines, stderr, code := pipeRun(t, `{"CommandLine":"malware.exe"}`+"\n", "-r", rules, "-r", copyDir)
	want := filepath.Join(copyDir, "rule0.yml") + ": Test Rule: duplicate id 00000000-0000-0000-0000-000000000001 (also " + filepath.Join(rules, "rule0.yml") + ")"
	if code != 0 || len(lines) != 2 || !strings.Contains(stderr, want) {
		t.Fatalf("two files with one id: exit %d, %d results, want 2 and a WARN %q\n%s", code, len(lines), want, stderr)
	}
}

// /readyz answers 200 only once the saved correlation state is restored:
// every time it is 200, the correlation rule and all saved groups are in.
func TestDaemonNotReadyBeforeStateIsRestored(t *testing.T) {
	const groups = 50000
	rules := opsRulesDir(t, `title: Login
id: login-rule
logsource: {product: test}
detection:
    selection:
        EventType: login
    condition: selection
`, `title: Many Logins
id: many-logins
correlation:
    type: event_count
    rules: [login-rule]
    group-by: [User]
    timespan: 1h
    condition: {gte: 3}
level: high
`)
	db := filepath.Join(t.TempDir(), "state.db")
	var events strings.Builder
	for i := 0; i < groups; i++ {
		events.WriteString(`{"EventType":"login","User":"u` + strconv.Itoa(i) + `"}` + "\n")
	}
	if _, stderr, code := pipeRun(t, events.String(), "-r", rules, "--state-db", db, "--no-detections"); code != 0 {
		t.Fatalf("filling the state: exit %d\n%s", code, stderr)
	}

	d := daemontest.Start(t, "engine", "daemon", "-r", rules, "--state-db", db, "--input", "http", "--api-addr", "127.0.0.1:0")
	base := "http://" + d.APIAddr(10*time.Second)
	poll.Wait(t, 30*time.Second, "ready with the restored state", func() bool {
		if status, _ := opsDo(t, "GET", base+"/readyz", ""); status != 200 {
			return false
		}
		_, body := opsDo(t, "GET", base+"/api/v1/status", "")
		if st := opsJSON(t, body); st["correlation_rules"] != 1.0 || st["correlation_state_entries"] != float64(groups) {
			t.Fatalf("/readyz 200 while the state is not in: %s", body)
		}
		return true
	})
	opsStop(t, d)
}
