package main

import (
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

const failedLogonRule = `title: Failed Logon
name: failed_logon
logsource: {product: windows, service: security}
detection:
    selection: {EventID: 4625}
    condition: selection
`

// lateRules: one sliding event_count per user, timespan 1m.
const lateRules = failedLogonRule + `---
title: Brute Force
id: brute-force
correlation:
    type: event_count
    rules: [failed_logon]
    group-by: [TargetUserName]
    timespan: 1m
    condition: {gte: 3}
`

func failedLogon(user, clock string) string {
	return `{"EventID":4625,"TargetUserName":"` + user + `","@timestamp":"2026-03-01T10:` + clock + `Z"}` + "\n"
}

// lateEvents counts rsigma_correlation_late_events_total for one rule and
// outcome (-1 when the series does not exist).
func lateEvents(fams map[string]*dto.MetricFamily, title, outcome string) float64 {
	for _, m := range fams["rsigma_correlation_late_events_total"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["rule_title"] == title && labels["outcome"] == outcome {
			return m.GetCounter().GetValue()
		}
	}
	return -1
}

// An out-of-order stream on stdin: /metrics counts the contribution that
// was dropped (older than bob's window) and the one accepted although late
// (alice had no state, correlation.md §6.1).
func TestCorrelationLateEventsAreCounted(t *testing.T) {
	d, base := opsStart(t, opsRulesDir(t, lateRules))
	stream := failedLogon("bob", "01:40") +
		failedLogon("bob", "03:20") + // bob's window is now [10:02:20, 10:03:20]
		failedLogon("bob", "02:10") + // behind it: dropped
		failedLogon("bob", "02:30") + // inside it: counted, not late
		failedLogon("alice", "00:10") + // 3m10s behind the newest event, but alice has no state: accepted
		failedLogon("bob", "03:25") // on time: 02:30, 03:20, 03:25 fire
	if _, err := d.Stdin.Write([]byte(stream)); err != nil {
		t.Fatal(err)
	}
	poll.Wait(t, 10*time.Second, "all six events processed", func() bool {
		return opsMetric(t, base, "rsigma_events_processed_total") == 6
	})
	fams := opsScrape(t, base)
	if got := lateEvents(fams, "Brute Force", "dropped"); got != 1 {
		t.Errorf(`rsigma_correlation_late_events_total{rule_title="Brute Force",outcome="dropped"} = %v, want 1`, got)
	}
	if got := lateEvents(fams, "Brute Force", "accepted"); got != 1 {
		t.Errorf(`rsigma_correlation_late_events_total{rule_title="Brute Force",outcome="accepted"} = %v, want 1`, got)
	}
	lines := d.WaitStdoutLines(7, 5*time.Second)
	if got := correlationLines(strings.Join(lines, "\n")); len(got) != 1 || !strings.Contains(got[0], `"aggregated_value":3.0`) {
		t.Errorf("correlation results %q, want one firing with 3 at 10:03:25", got)
	}
	opsStop(t, d)
}

// warnRules: a correlation without group-by and with an alias entry for a
// rule it does not reference; two load warnings.
const warnRules = failedLogonRule + `---
title: Any Failures
correlation:
    type: event_count
    rules: [failed_logon]
    timespan: 1m
    condition: {gte: 3}
    aliases:
        ip: {other_rule: src}
`

// Correlation load warnings are logged once per load, at startup and at
// every reload, as WARN lines naming the file and the rule.
func TestCorrelationLoadWarningsAreLogged(t *testing.T) {
	rules := opsRulesDir(t, warnRules)
	d, base := opsStart(t, rules)
	file := rules + "/rule0.yml"
	warnings := []string{
		file + ": Any Failures: correlation.group-by: absent, all events form one group",
		file + ": Any Failures: correlation.aliases.ip.other_rule: not a rule of this correlation",
	}
	count := func(s string) int {
		n := 0
		for _, l := range daemontest.Lines(d.Stderr()) {
			if strings.Contains(l, `"level":"WARN"`) && strings.Contains(l, "correlation rule warning: "+s) {
				n++
			}
		}
		return n
	}
	loads := func() int { return strings.Count(d.Stderr(), "detection rules (0 rejected)") }
	poll.Wait(t, 5*time.Second, "rules loaded", func() bool { return loads() >= 1 })
	opsPostReload(t, base)
	poll.Wait(t, 10*time.Second, "rules reloaded", func() bool { return loads() >= 2 })
	n := loads()
	for _, w := range warnings {
		if got := count(w); got != n {
			t.Errorf("warning %q logged %d times over %d loads, want once per load\n%s", w, got, n, d.Stderr())
		}
	}
	opsStop(t, d)
}
