package main

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// The fixture of cli_daemon_correlations.rs: logins counted per user.
const manyLoginsRules = `title: Login
id: login-rule
name: login
logsource: {product: linux, service: auth}
detection:
    selection: {EventType: login}
    condition: selection
---
title: Many Logins
id: many-logins
correlation:
    type: event_count
    rules: [login-rule]
    group-by: [User]
    timespan: 1h
    condition: {gte: 3}
`

type correlationsBody struct {
	Correlations []struct {
		Index        int      `json:"index"`
		ID           string   `json:"id"`
		Title        string   `json:"title"`
		Type         string   `json:"type"`
		TimespanSecs int64    `json:"timespan_secs"`
		GroupBy      []string `json:"group_by"`
		RuleRefs     []string `json:"rule_refs"`
		Threshold    string   `json:"threshold"`
		ActiveGroups int      `json:"active_groups"`
	} `json:"correlations"`
	Groups []struct {
		CorrelationTitle string `json:"correlation_title"`
		GroupKey         []struct {
			Field, Value string
		} `json:"group_key"`
		GroupKeyDisplay string   `json:"group_key_display"`
		Got             *float64 `json:"got"`
		Met             bool     `json:"met"`
		Entries         int      `json:"entries"`
		Earliest        *float64 `json:"earliest"`
		Latest          *float64 `json:"latest"`
		WindowStart     float64  `json:"window_start"`
		WindowEnd       float64  `json:"window_end"`
		SecondsToEvict  float64  `json:"seconds_to_eviction"`
	} `json:"groups"`
	Count      int    `json:"count"`
	Total      int    `json:"total"`
	NextCursor string `json:"next_cursor"`
}

func getCorrelations(t *testing.T, url string) correlationsBody {
	t.Helper()
	status, body := opsDo(t, "GET", url, "")
	if status != 200 {
		t.Fatalf("GET %s: %d %s", url, status, body)
	}
	var b correlationsBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return b
}

// Scenario 81: correlation introspection on the built binary.
func TestCorrelationsAPI(t *testing.T) {
	d, base := opsStart(t, opsRulesDir(t, manyLoginsRules), "--input", "http")
	list := getCorrelations(t, base+"/api/v1/correlations")
	if list.Count != 1 || len(list.Correlations) != 1 {
		t.Fatalf("list: %+v", list)
	}
	c := list.Correlations[0]
	if c.Type != "event_count" || c.Threshold != ">= 3" || c.Title != "Many Logins" || c.ID != "many-logins" ||
		c.TimespanSecs != 3600 || len(c.GroupBy) != 1 || c.GroupBy[0] != "User" || c.RuleRefs[0] != "login-rule" || c.ActiveGroups != 0 {
		t.Fatalf("entry: %+v", c)
	}

	opsDo(t, "POST", base+"/api/v1/events", `{"EventType":"login","User":"admin","@timestamp":"2026-01-01T00:00:00Z"}
{"EventType":"login","User":"admin","@timestamp":"2026-01-01T00:00:10Z"}
{"EventType":"login","User":"alice","@timestamp":"2026-01-01T00:00:20Z"}`)
	var state correlationsBody
	poll.Wait(t, 15*time.Second, "two groups in the state", func() bool {
		state = getCorrelations(t, base+"/api/v1/correlations/state")
		return state.Count == 2
	})
	admin := state.Groups[0] // sorted by group_key_display: User=admin, User=alice
	if admin.GroupKeyDisplay != "User=admin" || admin.Got == nil || *admin.Got != 2.0 || admin.Met || admin.Entries != 2 ||
		admin.GroupKey[0].Field != "User" || admin.GroupKey[0].Value != "admin" {
		t.Fatalf("admin group: %+v", admin)
	}
	const t0 = 1767225600.0 // 2026-01-01T00:00:00Z
	if *admin.Earliest != t0 || *admin.Latest != t0+10 || admin.WindowStart != t0+10-3600 || admin.WindowEnd != t0+10 {
		t.Fatalf("admin window: %+v", admin)
	}
	// The engine's clock is the newest event (alice, +20 s): admin's last
	// entry leaves the window 3600 s after +10 s.
	if admin.SecondsToEvict != 3590 {
		t.Fatalf("seconds_to_eviction %v, want 3590", admin.SecondsToEvict)
	}
	alice := getCorrelations(t, base+"/api/v1/correlations/state?group=alice")
	if alice.Count != 1 || alice.Groups[0].GroupKeyDisplay != "User=alice" || *alice.Groups[0].Got != 1 {
		t.Fatalf("?group=alice: %+v", alice)
	}
	if none := getCorrelations(t, base+"/api/v1/correlations/state?id="+url.QueryEscape("No Such Rule")); none.Count != 0 || len(none.Correlations) != 0 {
		t.Fatalf("?id=No Such Rule: %+v", none)
	}
	byTitle := getCorrelations(t, base+"/api/v1/correlations/state?id="+url.QueryEscape("Many Logins")+"&limit=1")
	if byTitle.Count != 1 || byTitle.Total != 2 || byTitle.NextCursor == "" || len(byTitle.Correlations) != 1 {
		t.Fatalf("?id=Many Logins&limit=1: %+v", byTitle)
	}
	next := getCorrelations(t, base+"/api/v1/correlations/state?limit=1&cursor="+url.QueryEscape(byTitle.NextCursor))
	if next.Count != 1 || next.Groups[0].GroupKeyDisplay != "User=alice" || next.NextCursor != "" {
		t.Fatalf("second page: %+v", next)
	}
	if l := getCorrelations(t, base+"/api/v1/correlations"); l.Correlations[0].ActiveGroups != 2 {
		t.Fatalf("active_groups %d, want 2", l.Correlations[0].ActiveGroups)
	}
	opsStop(t, d)

	t.Run("no correlation rules", func(t *testing.T) {
		d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http")
		if l := getCorrelations(t, base+"/api/v1/correlations"); l.Count != 0 || len(l.Correlations) != 0 {
			t.Fatalf("list: %+v", l)
		}
		if s := getCorrelations(t, base+"/api/v1/correlations/state"); s.Count != 0 || s.Groups == nil || len(s.Groups) != 0 {
			t.Fatalf("state: %+v", s)
		}
		opsStop(t, d)
	})
}
