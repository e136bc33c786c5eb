package correlation_test

import (
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/sigma"
	"gopkg.in/yaml.v3"
)

// Five failed logons of one user within five minutes fire once, at the
// fifth; the result body is the JSON of output.md §4.
func Example() {
	var doc yaml.Node
	_ = yaml.Unmarshal([]byte(`
title: Brute Force
correlation: {type: event_count, rules: [failed_logon], group-by: [User], timespan: 5m, condition: {gte: 5}}
`), &doc)
	rule, _ := correlation.ParseNode("brute.yml", &doc)
	failed := &sigma.Rule{Title: "Failed Logon", Name: "failed_logon"}
	engine, _ := correlation.Compile([]*correlation.Rule{rule}, []*sigma.Rule{failed}, nil, correlation.Options{})

	for i := 1; i <= 5; i++ {
		ev := sigma.NewObjectEvent(map[string]any{"User": "bob", "@timestamp": fmt.Sprintf("2026-01-01T10:00:0%dZ", i)})
		for _, r := range engine.Process(correlation.Input{Event: ev, Hits: []int{0}}, nil) {
			fmt.Printf("event %d: %s\n", i, r.AppendBody(nil))
		}
	}
	// Output:
	// event 5: "correlation_type":"event_count","group_key":[["User","bob"]],"aggregated_value":5.0,"timespan_secs":300
}

// Lateness tells, before an event is processed and without changing any
// state, whether the event is late for a rule and group, and whether it
// will be dropped: what `engine explain` shows for an event.
func ExampleEngine_Lateness() {
	var doc yaml.Node
	_ = yaml.Unmarshal([]byte(`
title: Brute Force
correlation: {type: event_count, rules: [failed_logon], group-by: [User], timespan: 1m, condition: {gte: 3}}
`), &doc)
	rule, _ := correlation.ParseNode("brute.yml", &doc)
	failed := &sigma.Rule{Title: "Failed Logon", Name: "failed_logon"}
	engine, _ := correlation.Compile([]*correlation.Rule{rule}, []*sigma.Rule{failed}, nil, correlation.Options{})

	for _, e := range []struct{ user, clock string }{
		{"bob", "10:03:20"}, {"bob", "10:02:10"}, {"bob", "10:02:30"}, {"alice", "10:00:10"},
	} {
		in := correlation.Input{Event: sigma.NewObjectEvent(map[string]any{
			"User": e.user, "@timestamp": "2026-03-01T" + e.clock + "Z"}), Hits: []int{0}}
		late := engine.Lateness(in)
		engine.Process(in, nil)
		if len(late) == 0 {
			fmt.Printf("%s %s: on time\n", e.user, e.clock)
		}
		for _, l := range late {
			fmt.Printf("%s %s: late for %q, group %v, dropped %v\n", e.user, e.clock, l.Rule.Title, l.Group, l.Dropped)
		}
	}
	// Output:
	// bob 10:03:20: on time
	// bob 10:02:10: late for "Brute Force", group [{User bob}], dropped true
	// bob 10:02:30: on time
	// alice 10:00:10: late for "Brute Force", group [{User alice}], dropped false
}
