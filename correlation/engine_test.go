package correlation

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// step feeds one event at time t (seconds; -1 = no timestamp) and lists the
// results expected from it, as produced by fired().
type step struct {
	t    int64
	ev   testEvent
	want []string
}

type scenario struct {
	name  string
	corr  string
	opts  Options
	dets  []detection
	steps []step
}

func user(u string) testEvent { return testEvent{"EventID": 4625, "User": u} }

var fail = fieldIs("fail", "EventID", 4625)

const c61 = `
title: C
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 60s, condition: {gte: 3}}
`

// runScenarios checks the engine against each table and, where it models
// the scenario's options, the reference model against the engine
// (model_test.go), so that the model is held to the same expectations.
func runScenarios(t *testing.T, cases []scenario) {
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			h := newHarness(t, sc.corr, sc.opts, sc.dets...)
			model := h.model(sc.corr)
			for i, st := range sc.steps {
				ev := timed(st.t, st.ev)
				hits := h.hits(ev)
				results := h.eng.Process(Input{Event: ev, Hits: hits}, nil)
				if got := fired(results); !slices.Equal(got, st.want) {
					t.Fatalf("step %d (t=%d %v): got %q, want %q", i, st.t, st.ev, got, st.want)
				}
				if model == nil {
					continue
				}
				if eng, ref := engineVsModel(results, model, ev, hits); eng != ref {
					t.Fatalf("step %d (t=%d %v): the reference model disagrees:\nengine %s\nmodel  %s", i, st.t, st.ev, eng, ref)
				}
			}
		})
	}
}

func TestEventCount(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "C61 fires at the third event of the group, not for other groups",
			corr: c61, dets: []detection{fail}, steps: []step{
				{0, user("a"), nil}, {10, user("a"), nil}, {20, user("b"), nil},
				{30, user("a"), []string{"C@30=3[User=a]"}},
				{100, user("a"), nil},
			}},
		{name: "C62 an entry exactly timespan old is still in the window",
			corr: c61, dets: []detection{fail}, steps: []step{
				{0, user("a"), nil}, {30, user("a"), nil}, {60, user("a"), []string{"C@60=3[User=a]"}},
			}},
		{name: "C62 an entry one second older than the window is evicted",
			corr: c61, dets: []detection{fail}, steps: []step{
				{0, user("a"), nil}, {30, user("a"), nil}, {61, user("a"), nil},
			}},
		{name: "C63 alert mode fires again on every further qualifying event",
			corr: c61, dets: []detection{fail}, steps: []step{
				{0, user("a"), nil}, {1, user("a"), nil}, {2, user("a"), []string{"C@2=3[User=a]"}},
				{3, user("a"), []string{"C@3=4[User=a]"}},
			}},
		{name: "C63 suppress swallows firings within the duration",
			corr: c61, opts: Options{Suppress: 10 * time.Second}, dets: []detection{fail}, steps: []step{
				{0, user("a"), nil}, {1, user("a"), nil}, {2, user("a"), []string{"C@2=3[User=a]"}},
				{3, user("a"), nil}, {13, user("a"), []string{"C@13=5[User=a]"}},
			}},
		{name: "C63 reset starts counting from scratch after firing",
			corr: c61, opts: Options{Action: ActionReset}, dets: []detection{fail}, steps: []step{
				{0, user("a"), nil}, {1, user("a"), nil}, {2, user("a"), []string{"C@2=3[User=a]"}},
				{3, user("a"), nil}, {4, user("a"), nil}, {5, user("a"), []string{"C@5=3[User=a]"}},
			}},
		{name: "C63 a suppressed firing does not reset the window",
			corr: c61, opts: Options{Action: ActionReset, Suppress: 10 * time.Second}, dets: []detection{fail},
			steps: []step{
				{0, user("a"), nil}, {1, user("a"), nil}, {2, user("a"), []string{"C@2=3[User=a]"}},
				{3, user("a"), nil}, {4, user("a"), nil}, {5, user("a"), nil},
				{12, user("a"), []string{"C@12=4[User=a]"}},
			}},
		{name: "C64 events without the group-by field are skipped",
			corr: c61, dets: []detection{fail}, steps: []step{
				{0, testEvent{"EventID": 4625}, nil}, {1, testEvent{"EventID": 4625}, nil},
				{2, testEvent{"EventID": 4625}, nil},
			}},
		{name: "C64 with missing groups included, user-less events share one group",
			corr: c61, opts: Options{IncludeMissingGroups: true}, dets: []detection{fail}, steps: []step{
				{0, testEvent{"EventID": 4625}, nil}, {1, testEvent{"EventID": 4625, "User": nil}, nil},
				{2, testEvent{"EventID": 4625}, []string{"C@2=3[]"}},
			}},
		{name: "null and object group values count as missing",
			corr: c61, dets: []detection{fail}, steps: []step{
				{0, testEvent{"EventID": 4625, "User": nil}, nil},
				{1, testEvent{"EventID": 4625, "User": map[string]any{}}, nil},
				{2, testEvent{"EventID": 4625, "User": []any{"a"}}, nil},
			}},
		{name: "numbers and booleans group as their text",
			corr: c61, dets: []detection{fail}, steps: []step{
				{0, testEvent{"EventID": 4625, "User": 7}, nil},
				{1, testEvent{"EventID": 4625, "User": "7"}, nil},
				{2, testEvent{"EventID": 4625, "User": 7.0}, []string{"C@2=3[User=7]"}},
			}},
		{name: "group values are case-sensitive",
			corr: c61, dets: []detection{fail}, steps: []step{
				{0, user("Admin"), nil}, {1, user("admin"), nil}, {2, user("ADMIN"), nil},
			}},
		{name: "C70 one event matching two referenced rules counts once",
			corr: `
title: C
correlation: {type: event_count, rules: [r1, r2], timespan: 60s, condition: {gte: 2}}
`, dets: []detection{fieldIs("r1", "A", 1), fieldIs("r2", "B", 1)}, steps: []step{
				{0, testEvent{"A": 1, "B": 1}, nil},
				{1, testEvent{"A": 1, "B": 1}, []string{"C@1=2[]"}},
			}},
		{name: "range condition needs every operator to hold",
			corr: `
title: C
correlation: {type: event_count, rules: [fail], group-by: User, timespan: 1m, condition: {gte: 2, lte: 3}}
`, dets: []detection{fail}, steps: []step{
				{0, user("a"), nil}, {1, user("a"), []string{"C@1=2[User=a]"}},
				{2, user("a"), []string{"C@2=3[User=a]"}}, {3, user("a"), nil},
			}},
	})
}

func TestOutOfOrderEvents(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "late event inside the group's window is counted",
			corr: c61, dets: []detection{fail}, steps: []step{
				{100, user("a"), nil}, {50, user("a"), nil}, {110, user("a"), []string{"C@110=3[User=a]"}},
			}},
		{name: "late event older than the group's watermark minus timespan is dropped",
			corr: c61, dets: []detection{fail}, steps: []step{
				{100, user("a"), nil}, {39, user("a"), nil}, {110, user("a"), nil},
			}},
		{name: "each group keeps its own watermark",
			corr: c61, dets: []detection{fail}, steps: []step{
				{1000, user("a"), nil}, {0, user("b"), nil}, {10, user("b"), nil},
				{20, user("b"), []string{"C@20=3[User=b]"}},
			}},
		{name: "a late event is evaluated against the window of the newest event",
			corr: c61, dets: []detection{fail}, steps: []step{
				{0, user("a"), nil}, {100, user("a"), nil}, {90, user("a"), nil},
				{45, user("a"), []string{"C@45=3[User=a]"}},
			}},
	})
}

func TestValueCount(t *testing.T) {
	login := fieldIs("fail", "EventID", 4625)
	u := func(ip, name string) testEvent {
		ev := testEvent{"EventID": 4625, "IpAddress": ip}
		if name != "" {
			ev["TargetUserName"] = name
		}
		return ev
	}
	const vc = `
title: V
correlation: {type: value_count, rules: [fail], group-by: [IpAddress], timespan: 5m,
              condition: {field: TargetUserName, gte: 3}}
`
	runScenarios(t, []scenario{
		{name: "C65 counts distinct values", corr: vc, dets: []detection{login}, steps: []step{
			{0, u("10.0.0.1", "alice"), nil}, {1, u("10.0.0.1", "bob"), nil},
			{2, u("10.0.0.1", "alice"), nil}, {3, u("10.0.0.1", "carol"), []string{"V@3=3[IpAddress=10.0.0.1]"}},
		}},
		{name: "C65 values are case-sensitive", corr: vc, dets: []detection{login}, steps: []step{
			{0, u("ip", "Alice"), nil}, {1, u("ip", "alice"), nil}, {2, u("ip", "bob"), []string{"V@2=3[IpAddress=ip]"}},
		}},
		{name: "C65 an event without the field adds nothing but re-evaluates", corr: vc, dets: []detection{login},
			steps: []step{
				{0, u("ip", "alice"), nil}, {1, u("ip", "bob"), nil}, {2, u("ip", ""), nil},
				{3, u("ip", "carol"), []string{"V@3=3[IpAddress=ip]"}},
				{4, u("ip", ""), []string{"V@4=3[IpAddress=ip]"}},
			}},
		{name: "distinct values leave with the window", corr: vc, dets: []detection{login}, steps: []step{
			{0, u("ip", "a"), nil}, {100, u("ip", "b"), nil}, {301, u("ip", "c"), nil},
			{302, u("ip", "d"), []string{"V@302=3[IpAddress=ip]"}},
		}},
		{name: "several fields count distinct tuples", corr: `
title: V
correlation: {type: value_count, rules: [fail], timespan: 5m, condition: {field: [A, B], gte: 3}}
`, dets: []detection{login}, steps: []step{
			{0, testEvent{"EventID": 4625, "A": "x", "B": "1"}, nil},
			{1, testEvent{"EventID": 4625, "A": "x", "B": "2"}, nil},
			{2, testEvent{"EventID": 4625, "A": "x"}, nil},
			{3, testEvent{"EventID": 4625, "A": "x1", "B": ""}, []string{"V@3=3[]"}},
			{4, testEvent{"EventID": 4625, "A": "x", "B": "1"}, []string{"V@4=3[]"}},
		}},
	})
}

func TestTemporal(t *testing.T) {
	ra, rb, rc := fieldIs("ra", "A", 1), fieldIs("rb", "B", 1), fieldIs("rc", "C", 1)
	ev := func(k string) testEvent { return testEvent{k: 1, "Host": "h"} }
	runScenarios(t, []scenario{
		{name: "C66 all referenced rules must hit by default", corr: `
title: T
correlation: {type: temporal, rules: [ra, rb, rc], group-by: [Host], timespan: 5m}
`, dets: []detection{ra, rb, rc}, steps: []step{
			{0, ev("A"), nil}, {10, ev("C"), nil}, {20, ev("B"), []string{"T@20=3[Host=h]"}},
			{400, ev("B"), nil},
		}},
		{name: "threshold counts distinct rules, not hits", corr: `
title: T
correlation: {type: temporal, rules: [ra, rb, rc], group-by: [Host], timespan: 5m, condition: {gte: 2}}
`, dets: []detection{ra, rb, rc}, steps: []step{
			{0, ev("A"), nil}, {1, ev("A"), nil}, {2, ev("B"), []string{"T@2=2[Host=h]"}},
		}},
		{name: "expression condition", corr: `
title: T
correlation: {type: temporal, rules: [ra, rb, rc], group-by: [Host], timespan: 5m, condition: ra and (rb or rc)}
`, dets: []detection{ra, rb, rc}, steps: []step{
			{0, ev("B"), nil}, {1, ev("C"), nil}, {2, ev("A"), []string{"T@2=3[Host=h]"}},
		}},
		{name: "expression with not", corr: `
title: T
correlation: {type: temporal, rules: [ra, rb], group-by: [Host], timespan: 5m, condition: ra and not rb}
`, dets: []detection{ra, rb}, steps: []step{
			{0, ev("A"), []string{"T@0=1[Host=h]"}}, {1, ev("B"), nil}, {2, ev("A"), nil},
		}},
		{name: "aliases map a group per referenced rule", corr: `
title: T
correlation:
  type: temporal
  rules: [ra, rb]
  group-by: [internal_ip]
  timespan: 10s
  aliases:
    internal_ip: {ra: destination.ip, rb: source.ip}
`, dets: []detection{ra, rb}, steps: []step{
			{0, testEvent{"A": 1, "destination.ip": "10.1.1.1", "source.ip": "x"}, nil},
			{1, testEvent{"B": 1, "source.ip": "10.1.1.1", "destination.ip": "y"},
				[]string{"T@1=2[internal_ip=10.1.1.1]"}},
		}},
		{name: "alias without an entry for a rule skips that rule's events", corr: `
title: T
correlation:
  type: temporal
  rules: [ra, rb]
  group-by: [ip]
  timespan: 10s
  condition: {gte: 1}
  aliases:
    ip: {ra: destination.ip}
`, dets: []detection{ra, rb}, steps: []step{
			{0, testEvent{"B": 1, "ip": "1"}, nil},
			{1, testEvent{"A": 1, "destination.ip": "1"}, []string{"T@1=1[ip=1]"}},
		}},
	})
}

func TestTemporalOrdered(t *testing.T) {
	ra, rb := fieldIs("ra", "A", 1), fieldIs("rb", "B", 1)
	ev := func(k string) testEvent { return testEvent{k: 1, "Host": "h"} }
	const to = `
title: O
correlation: {type: temporal_ordered, rules: [ra, rb], group-by: [Host], timespan: 60s}
`
	runScenarios(t, []scenario{
		{name: "C67 fires only when the hits are in rule order", corr: to, dets: []detection{ra, rb}, steps: []step{
			{0, ev("B"), nil}, {5, ev("A"), nil}, {10, ev("B"), []string{"O@10=2[Host=h]"}},
		}},
		{name: "C67 equal timestamps count as ordered", corr: to, dets: []detection{ra, rb}, steps: []step{
			{100, ev("A"), nil}, {100, ev("B"), []string{"O@100=2[Host=h]"}},
		}},
		{name: "a threshold below the rule count still needs the full chain", corr: `
title: O
correlation: {type: temporal_ordered, rules: [ra, rb], group-by: [Host], timespan: 60s, condition: {gte: 1}}
`, dets: []detection{ra, rb}, steps: []step{
			{0, ev("B"), nil}, {1, ev("A"), nil}, {2, ev("B"), []string{"O@2=2[Host=h]"}},
		}},
		{name: "the first hit leaving the window breaks the order", corr: to, dets: []detection{ra, rb}, steps: []step{
			{0, ev("A"), nil}, {61, ev("B"), nil},
		}},
	})
}

func TestNumericAggregates(t *testing.T) {
	bytes := func(v any) testEvent {
		ev := testEvent{"X": 1}
		if v != nil {
			ev["Bytes"] = v
		}
		return ev
	}
	x := fieldIs("r", "X", 1)
	corr := func(typ, cond string) string {
		return "title: N\ncorrelation: {type: " + typ + ", rules: [r], timespan: 60s, condition: {field: Bytes, " + cond + "}}\n"
	}
	runScenarios(t, []scenario{
		{name: "C68 value_sum ignores non-numeric values", corr: corr("value_sum", "gt: 1000"), dets: []detection{x},
			steps: []step{{0, bytes(400), nil}, {1, bytes(500), nil}, {2, bytes("n/a"), nil}, {3, bytes(200), []string{"N@3=1100[]"}}}},
		{name: "C68 value_avg", corr: corr("value_avg", "gt: 500"), dets: []detection{x},
			steps: []step{{0, bytes(400), nil}, {1, bytes(700), []string{"N@1=550[]"}}}},
		{name: "C68 value_avg over an empty window is not evaluated", corr: corr("value_avg", "lt: 10"), dets: []detection{x},
			steps: []step{{0, bytes(nil), nil}, {1, bytes(5), []string{"N@1=5[]"}}}},
		{name: "numeric strings count as numbers", corr: corr("value_sum", "gte: 3.5"), dets: []detection{x},
			steps: []step{{0, bytes("1.5"), nil}, {1, bytes("2"), []string{"N@1=3.5[]"}}}},
		{name: "value_sum window eviction", corr: corr("value_sum", "gte: 10"), dets: []detection{x},
			steps: []step{{0, bytes(9), nil}, {61, bytes(1), nil}, {62, bytes(9), []string{"N@62=10[]"}}}},
		{name: "value_median of an even count is the mean of the middle values",
			corr: corr("value_median", "gte: 25"), dets: []detection{x},
			steps: []step{{0, bytes(10), nil}, {1, bytes(40), []string{"N@1=25[]"}}, {2, bytes(20), nil},
				{3, bytes(30), []string{"N@3=25[]"}}}},
		{name: "value_percentile interpolates between ranks",
			corr: corr("value_percentile", "percentile: 90, gte: 46"), dets: []detection{x},
			steps: []step{{0, bytes(10), nil}, {1, bytes(20), nil}, {2, bytes(30), nil}, {3, bytes(40), nil},
				{4, bytes(50), []string{"N@4=46[]"}}}},
		{name: "value_percentile defaults to the median",
			corr: corr("value_percentile", "lte: 2"), dets: []detection{x},
			steps: []step{{0, bytes(1), []string{"N@0=1[]"}}, {1, bytes(9), nil}, {2, bytes(2), []string{"N@2=2[]"}}}},
	})
}

func TestChaining(t *testing.T) {
	failed, success := fieldIs("failed_login", "EventID", 4625), fieldIs("successful_login", "EventID", 4624)
	const chain = `
title: Many failed logins then success
correlation:
    type: temporal_ordered
    rules: [multiple_failed_login, successful_login]
    group-by: [User]
    timespan: 10m
level: high
---
title: Multiple failed logons
name: multiple_failed_login
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [User]
    timespan: 10m
    condition: {gte: 10}
`
	f := func(id int) testEvent { return testEvent{"EventID": id, "User": "bob"} }
	var tenFailures []step
	for i := int64(0); i < 9; i++ {
		tenFailures = append(tenFailures, step{i, f(4625), nil})
	}
	withSuccess := append(slices.Clone(tenFailures),
		step{9, f(4625), []string{"Multiple failed logons@9=10[User=bob]"}},
		step{30, f(4624), []string{"Many failed logins then success@30=2[User=bob]"}})
	successTooEarly := append(slices.Clone(tenFailures),
		step{9, f(4624), nil},
		step{10, f(4625), []string{"Multiple failed logons@10=10[User=bob]"}})
	runScenarios(t, []scenario{
		{name: "C69 parent referencing the child by name fires at the success",
			corr: chain, dets: []detection{failed, success}, steps: withSuccess},
		{name: "C69 a success before the child fired does not satisfy the order",
			corr: chain, dets: []detection{failed, success}, steps: successTooEarly},
		{name: "event_count over a correlation counts its firings", corr: `
title: Parent
correlation: {type: event_count, rules: [child], group-by: [User], timespan: 1h, condition: {gte: 2}}
---
title: Child
name: child
correlation: {type: event_count, rules: [failed_login], group-by: [User, Host], timespan: 1m, condition: {gte: 2}}
`, dets: []detection{failed}, steps: []step{
			{0, testEvent{"EventID": 4625, "User": "u", "Host": "h1"}, nil},
			{1, testEvent{"EventID": 4625, "User": "u", "Host": "h1"}, []string{"Child@1=2[User=u,Host=h1]"}},
			{2, testEvent{"EventID": 4625, "User": "u", "Host": "h2"}, nil},
			{3, testEvent{"EventID": 4625, "User": "u", "Host": "h2"},
				[]string{"Child@3=2[User=u,Host=h2]", "Parent@3=2[User=u]"}},
		}},
		{name: "a parent group-by field absent from the child's key is skipped", corr: `
title: Parent
correlation: {type: event_count, rules: [child], group-by: [Host], timespan: 1h, condition: {gte: 1}}
---
title: Child
name: child
correlation: {type: event_count, rules: [failed_login], group-by: [User], timespan: 1m, condition: {gte: 1}}
`, dets: []detection{failed}, steps: []step{
			{0, testEvent{"EventID": 4625, "User": "u", "Host": "h1"}, []string{"Child@0=1[User=u]"}},
		}},
	})
}

func TestTumblingAndSessionWindows(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "tumbling buckets are aligned to the epoch", corr: `
title: C
custom_attributes: {rsigma.window: tumbling}
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 60s, condition: {gte: 3}}
`, dets: []detection{fail}, steps: []step{
			{58, user("a"), nil}, {59, user("a"), nil}, {60, user("a"), nil}, {61, user("a"), nil},
			{62, user("a"), []string{"C@62=3[User=a]"}}, {10, user("a"), nil}, {63, user("a"), []string{"C@63=4[User=a]"}},
		}},
		{name: "session closes after the gap", corr: `
title: C
rsigma.window: session
rsigma.gap: 10s
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 1h, condition: {gte: 3}}
`, dets: []detection{fail}, steps: []step{
			{0, user("a"), nil}, {10, user("a"), nil}, {21, user("a"), nil}, {30, user("a"), nil},
			{40, user("a"), []string{"C@40=3[User=a]"}},
		}},
		{name: "a contribution without a value does not keep a session alive", corr: `
title: C
rsigma.window: session
rsigma.gap: 5s
correlation: {type: value_sum, rules: [r], group-by: [Host], timespan: 1h, condition: {field: Bytes, gt: 25}}
`, dets: []detection{fieldIs("r", "EventID", 3)}, steps: []step{
			// The gap is measured from the newest stored entry (0 s), not from
			// the valueless event at 4 s: 8 − 0 > 5 starts a new session.
			{0, testEvent{"EventID": 3, "Host": "h", "Bytes": 10}, nil},
			{4, testEvent{"EventID": 3, "Host": "h"}, nil},
			{8, testEvent{"EventID": 3, "Host": "h", "Bytes": 20}, nil},
			{9, testEvent{"EventID": 3, "Host": "h", "Bytes": 6}, []string{"C@9=26[Host=h]"}},
		}},
		{name: "a value_count contribution without the field does not keep a session alive", corr: `
title: C
rsigma.window: session
rsigma.gap: 5s
correlation: {type: value_count, rules: [r], group-by: [Host], timespan: 1h, condition: {field: User, gte: 2}}
`, dets: []detection{fieldIs("r", "EventID", 3)}, steps: []step{
			{0, testEvent{"EventID": 3, "Host": "h", "User": "a"}, nil},
			{4, testEvent{"EventID": 3, "Host": "h"}, nil},
			{8, testEvent{"EventID": 3, "Host": "h", "User": "b"}, nil},
			{9, testEvent{"EventID": 3, "Host": "h", "User": "c"}, []string{"C@9=2[Host=h]"}},
		}},
	})
}

func TestTimestamps(t *testing.T) {
	h := newHarness(t, c61, Options{}, fail)
	for _, tc := range []struct {
		ev   testEvent
		want int64
	}{
		{testEvent{"@timestamp": "2024-07-10T03:15:00Z", "timestamp": 5}, 1720581300},
		{testEvent{"timestamp": 1720581300000}, 1720581300},
		{testEvent{"timestamp": 1720581300.9}, 1720581300},
		{testEvent{"EventTime": "2024-07-10 03:15:00"}, 1720581300},
		{testEvent{"EventTime": "2024-07-10T03:15:00.250"}, 1720581300},
		{testEvent{"TimeCreated": "2024-07-10T05:15:00+02:00"}, 1720581300},
		{testEvent{"eventTime": "1720581300"}, 1720581300},
		{testEvent{"@timestamp": "yesterday", "eventTime": 1720581300}, 1720581300},
	} {
		ms, ok := eventTime(tc.ev, h.eng.timeFields)
		if !ok || ms/1000 != tc.want {
			t.Errorf("%v: got %d (ok=%v), want %d", tc.ev, ms/1000, ok, tc.want)
		}
	}
	cli := newHarness(t, c61, Options{TimestampFields: []string{"syslog_timestamp"}}, fail)
	ms, _ := eventTime(testEvent{"syslog_timestamp": 10, "@timestamp": 20}, cli.eng.timeFields)
	if ms != 10_000 {
		t.Errorf("--timestamp-field is not tried first: got %d", ms)
	}
}

func TestTimestampFallback(t *testing.T) {
	untimed := user("a")
	skip := newHarness(t, c61, Options{TimestampFallback: FallbackSkip}, fail)
	for i := 0; i < 4; i++ {
		if got := skip.feed(-1, untimed); len(got) != 0 {
			t.Fatalf("skip: untimed event touched correlation state: %q", fired(got))
		}
	}
	if skip.eng.StateEntries() != 0 {
		t.Fatalf("skip: %d state entries, want 0", skip.eng.StateEntries())
	}
	wall := newHarness(t, c61, Options{}, fail)
	wall.feed(-1, untimed)
	wall.feed(-1, untimed)
	got := fired(wall.feed(-1, untimed))
	if want := []string{"C@1000000=3[User=a]"}; !slices.Equal(got, want) {
		t.Fatalf("wallclock: got %q, want %q", got, want)
	}
}

func TestNoDetectionsAndGenerate(t *testing.T) {
	a, b, c := always("fail"), always("other"), always("third")
	h := newHarness(t, `
title: Hidden
correlation: {type: event_count, rules: [fail, other], timespan: 1m, condition: {gte: 1}}
---
title: Visible
generate: true
correlation: {type: event_count, rules: [other], timespan: 1m, condition: {gte: 1}}
`, Options{}, a, b, c)
	for i, want := range []bool{true, false, false} {
		if got := h.eng.Hidden(i); got != want {
			t.Errorf("Hidden(%s) = %v, want %v", h.dets[i].rule.Name, got, want)
		}
	}
	nested := newHarness(t, `
title: N
correlation: {type: event_count, rules: [fail], timespan: 1m, condition: {gte: 1}, generate: true}
`, Options{}, a)
	if nested.eng.Hidden(0) {
		t.Errorf("correlation.generate: true was not honoured")
	}
}

func TestStateExpiresWithItsWindow(t *testing.T) {
	h := newHarness(t, c61, Options{}, fail)
	for i := 0; i < 50; i++ {
		h.feed(int64(i), user(strings.Repeat("u", i+1)))
	}
	if n := h.eng.StateEntries(); n != 50 {
		t.Fatalf("state entries = %d, want 50", n)
	}
	h.feed(1000, user("late"))
	h.eng.Expire()
	if n := h.eng.StateEntries(); n != 1 {
		t.Fatalf("after expiry: state entries = %d, want 1", n)
	}
	reset := newHarness(t, c61, Options{Action: ActionReset}, fail)
	for i := int64(0); i < 3; i++ {
		reset.feed(i, user("a"))
	}
	if n := reset.eng.StateEntries(); n != 0 {
		t.Fatalf("reset without suppression kept %d entries", n)
	}
}

func TestStateCapEvictsStalestGroups(t *testing.T) {
	h := newHarness(t, c61, Options{MaxStateEntries: 10}, fail)
	for i := 0; i < 10; i++ {
		h.feed(int64(i), user(string(rune('a'+i))))
	}
	h.feed(10, user("k"))
	// At the cap: drop stalest until 9 remain, then add k.
	if n, ev := h.eng.StateEntries(), h.eng.Evictions(); n != 10 || ev != 1 {
		t.Fatalf("entries=%d evictions=%d, want 10 and 1", n, ev)
	}
	// "j" (t=9) survived with its entry.
	h.feed(11, user("j"))
	if got := fired(h.feed(12, user("j"))); len(got) != 1 {
		t.Fatalf("group j lost its state: %q", got)
	}
	// "a" (t=0) was the stalest: its count restarted (re-adding it evicts b).
	h.feed(13, user("a"))
	if got := fired(h.feed(14, user("a"))); len(got) != 0 {
		t.Fatalf("evicted group kept its state: %q", got)
	}
	if ev := h.eng.Evictions(); ev != 2 {
		t.Fatalf("evictions = %d, want 2", ev)
	}
}

func TestMaxGroupEntries(t *testing.T) {
	runScenarios(t, []scenario{{name: "cap drops the oldest entries and can only under-count",
		corr: c61, opts: Options{MaxGroupEntries: 2}, dets: []detection{fail}, steps: []step{
			{0, user("a"), nil}, {1, user("a"), nil}, {2, user("a"), nil},
		}}})
}
