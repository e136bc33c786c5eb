package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
)

// whoamiAllRule is the SigmaHQ rule "Enumerate All Information With
// Whoami.EXE" (proc_creation_win_whoami_all_execution.yml).
const whoamiAllRule = "c248c896-e412-4279-8c15-1c558067b6fa"

// explainJSON is the part of the --json report the tests read.
type explainJSON struct {
	Events []struct {
		Input   int      `json:"input"`
		Error   string   `json:"error"`
		Matched []string `json:"matched"`
		Summary struct {
			Rules, Matched, IndexSkipped int
		} `json:"summary"`
		Rules []struct {
			ID      string `json:"id"`
			Matched bool   `json:"matched"`
			Index   struct {
				Skipped bool   `json:"skipped"`
				Reason  string `json:"reason"`
			} `json:"index"`
			Routing struct {
				Reason string `json:"reason"`
			} `json:"logsource_routing"`
			Selections []struct {
				Name  string `json:"name"`
				Holds bool   `json:"holds"`
			} `json:"selections"`
		} `json:"rules"`
		Lateness []struct {
			Correlation string `json:"correlation"`
			Dropped     bool   `json:"dropped"`
		} `json:"correlation_lateness"`
	} `json:"events"`
}

const (
	whoamiFires   = `{"Image":"C:\\Temp\\w.exe","OriginalFileName":"whoami.exe","CommandLine":"w.exe /all"}`
	whoamiQuietly = `{"Image":"C:\\Windows\\System32\\certutil.exe","CommandLine":"certutil -hashfile a.txt"}`
)

// Item 1: `engine explain` on the built binary, one SigmaHQ rule that
// fires and one event it does not fire on, text and JSON.
func TestExplainCommand(t *testing.T) {
	corpus := sigmahq.Dir()
	t.Run("text, the rule fires", func(t *testing.T) {
		out, stderr, code := daemontest.Run(t, whoamiFires, "engine", "explain", "-r", corpus, "--rule", whoamiAllRule)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"1 rules: 1 matched", "MATCH      " + whoamiAllRule,
			`OriginalFileName ["whoami.exe" (matches)] vs event "whoami.exe": true`,
			`Image|endswith ["\\whoami.exe"] vs event "C:\\Temp\\w.exe": false`,
			"condition all of selection_main_*: true", "correlation lateness: none"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("json, the rule does not fire", func(t *testing.T) {
		out, stderr, code := daemontest.Run(t, whoamiQuietly, "engine", "explain", "-r", corpus, "--rule", whoamiAllRule, "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var r explainJSON
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		if len(r.Events) != 1 || len(r.Events[0].Rules) != 1 {
			t.Fatalf("report %s", out)
		}
		rule := r.Events[0].Rules[0]
		if rule.ID != whoamiAllRule || rule.Matched || !rule.Index.Skipped ||
			!strings.Contains(rule.Index.Reason, `OriginalFileName equals "whoami.exe"`) ||
			len(rule.Selections) != 2 || rule.Selections[0].Holds || !strings.Contains(rule.Routing.Reason, "routing is off") {
			t.Fatalf("rule %+v", rule)
		}
	})
	t.Run("the whole corpus, pretty-printed event", func(t *testing.T) {
		pretty := strings.ReplaceAll(whoamiFires, ",", ",\n  ")
		out, stderr, code := daemontest.Run(t, pretty, "engine", "explain", "-r", corpus, "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var r explainJSON
		if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Events) != 1 {
			t.Fatalf("%v: %d events", err, len(r.Events))
		}
		ev := r.Events[0]
		found := false
		for _, id := range ev.Matched {
			found = found || id == whoamiAllRule
		}
		if !found || len(ev.Rules) < 3000 {
			t.Fatalf("matched %v among %d rules", ev.Matched, len(ev.Rules))
		}
	})
	for _, c := range []struct {
		name, stdin string
		args        []string
		code        int
		stderr      string
	}{
		{"unknown rule", whoamiFires, []string{"-r", corpus, "--rule", "no-such-id"}, 3, `"no-such-id" is the id of no loaded detection rule`},
		{"no rules flag", whoamiFires, nil, 3, "give the rules"},
		{"unreadable rules", whoamiFires, []string{"-r", "/nonexistent/rules"}, 2, "rules could not be loaded"},
		{"no event", "\n\n", []string{"-r", corpus}, 3, "no event to explain"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := daemontest.Run(t, c.stdin, append([]string{"engine", "explain"}, c.args...)...)
			if code != c.code || !strings.Contains(stderr, c.stderr) {
				t.Fatalf("exit %d, want %d; stderr lacks %q:\n%s", code, c.code, c.stderr, stderr)
			}
		})
	}
}

// Item 1 over HTTP: POST /api/v1/explain explains against the live rules
// and correlation state without feeding the stream: a login older than the
// window of its user's group is reported as dropped, and neither the
// detections nor the correlation state change.
func TestExplainAPI(t *testing.T) {
	d, base := opsStart(t, opsRulesDir(t, manyLoginsRules), "--input", "http")
	login := func(user, at string) string {
		return `{"EventType":"login","User":"` + user + `","@timestamp":"2026-01-01T` + at + `Z"}`
	}
	if status, body := opsDo(t, "POST", base+"/api/v1/events", login("bob", "10:00:00")+"\n"+login("bob", "12:00:00")); status != 200 {
		t.Fatalf("ingest: %d %s", status, body)
	}
	poll.Wait(t, 15*time.Second, "two login detections", func() bool { return len(daemontest.Lines(d.Stdout())) == 2 })

	explain := func(query, body string) explainJSON {
		t.Helper()
		status, out := opsDo(t, "POST", base+"/api/v1/explain"+query, body)
		if status != 200 {
			t.Fatalf("explain%s: %d %s", query, status, out)
		}
		var r explainJSON
		if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Events) == 0 {
			t.Fatalf("%v: %s", err, out)
		}
		return r
	}
	for range 2 { // the first explain must not have fed the event
		ev := explain("", login("bob", "10:30:00")).Events[0]
		if len(ev.Matched) != 1 || ev.Matched[0] != "login-rule" || len(ev.Lateness) != 1 ||
			ev.Lateness[0].Correlation != "many-logins" || !ev.Lateness[0].Dropped {
			t.Fatalf("explained %+v", ev)
		}
	}
	if ev := explain("?rule=login-rule", login("alice", "12:00:01")).Events[0]; len(ev.Lateness) != 0 || len(ev.Rules) != 1 {
		t.Fatalf("an on-time login of a new user: %+v", ev)
	}
	if groups := getCorrelations(t, base+"/api/v1/correlations/state").Groups; len(groups) != 1 || groups[0].Entries != 1 {
		t.Fatalf("explain changed the correlation state: %+v", groups)
	}
	if n := len(daemontest.Lines(d.Stdout())); n != 2 {
		t.Fatalf("explain produced results: %d lines on stdout", n)
	}
	status, text := opsDo(t, "POST", base+"/api/v1/explain?format=text&rule=login-rule", login("bob", "10:30:00"))
	if status != 200 || !strings.Contains(text, "MATCH      login-rule") || !strings.Contains(text, "late, dropped") {
		t.Fatalf("text: %d %s", status, text)
	}
	for _, c := range []struct {
		method, query, body string
		status              int
	}{
		{"POST", "?rule=nope", login("bob", "10:30:00"), 404},
		{"POST", "", "\n", 400},
		{"POST", "?format=yaml", login("bob", "10:30:00"), 400},
		{"GET", "", "", 405},
	} {
		if status, body := opsDo(t, c.method, base+"/api/v1/explain"+c.query, c.body); status != c.status {
			t.Errorf("%s explain%s: %d %s, want %d", c.method, c.query, status, body, c.status)
		}
	}
}
