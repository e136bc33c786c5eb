package correlation

import (
	"testing"
)

func TestAppendFloatMatchesSerde(t *testing.T) {
	for f, want := range map[float64]string{
		3: "3.0", 0: "0.0", 550: "550.0", 3.5: "3.5", 0.1: "0.1", -2: "-2.0", 1100: "1100.0",
		1e15: "1000000000000000.0", 1e16: "1e16", 1.5e17: "1.5e17", 0.0001: "0.0001", 1e-5: "0.00001", 1e-6: "1e-6",
		2.5e-7: "2.5e-7", 123456.789: "123456.789", 1.0 / 3: "0.3333333333333333",
	} {
		if got := string(AppendFloat(nil, f)); got != want {
			t.Errorf("AppendFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestResultBodyShape(t *testing.T) {
	const rule = `
title: Repeated Logins
id: corr-logins-1
level: high
correlation: {type: event_count, rules: [login], group-by: [User], timespan: 300s, condition: {gte: 3}}
`
	login := fieldIs("login", "EventType", "login")
	ev := func(id any) testEvent {
		e := testEvent{"EventType": "login", "User": "admin"}
		if id != nil {
			e["event_id"] = id
		}
		return e
	}
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"none", Options{},
			`"correlation_type":"event_count","group_key":[["User","admin"]],"aggregated_value":3.0,"timespan_secs":300`},
		{"refs", Options{EventMode: EventModeRefs},
			`"correlation_type":"event_count","group_key":[["User","admin"]],"aggregated_value":3.0,"timespan_secs":300,` +
				`"event_refs":[{"timestamp":1767225600,"id":"101"},{"timestamp":1767225630,"id":"a-102"},{"timestamp":1767225655}]`},
		{"full", Options{EventMode: EventModeFull},
			`"correlation_type":"event_count","group_key":[["User","admin"]],"aggregated_value":3.0,"timespan_secs":300,` +
				`"events":[{"@timestamp":1767225600,"EventType":"login","User":"admin","event_id":101},` +
				`{"@timestamp":1767225630,"EventType":"login","User":"admin","event_id":"a-102"},` +
				`{"@timestamp":1767225655,"EventType":"login","User":"admin"}]`},
		{"full capped to the newest two", Options{EventMode: EventModeFull, MaxCorrelationEvents: 2},
			`"correlation_type":"event_count","group_key":[["User","admin"]],"aggregated_value":3.0,"timespan_secs":300,` +
				`"events":[{"@timestamp":1767225630,"EventType":"login","User":"admin","event_id":"a-102"},` +
				`{"@timestamp":1767225655,"EventType":"login","User":"admin"}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, rule, tc.opts, login)
			h.feed(1767225600, ev(101))
			h.feed(1767225630, ev("a-102"))
			rs := h.feed(1767225655, ev(nil))
			if len(rs) != 1 {
				t.Fatalf("%d results", len(rs))
			}
			if got := string(rs[0].AppendBody(nil)); got != tc.want {
				t.Fatalf("body\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestChainedResultsCarryNoEvents(t *testing.T) {
	h := newHarness(t, `
title: P
correlation: {type: event_count, rules: [k], group-by: [User], timespan: 1m, condition: {gte: 1}}
---
title: K
name: k
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 1m, condition: {gte: 1}}
`, Options{EventMode: EventModeFull}, fail)
	rs := h.feed(0, user("a"))
	if len(rs) != 2 || rs[0].Mode != EventModeFull || len(rs[0].Events) != 1 || rs[1].Mode != EventModeNone {
		t.Fatalf("results %+v", rs)
	}
}
