// Package enrich implements post-evaluation enrichers (pipelines.md §9):
// the `--enrichers` YAML file, the template, lookup, http and command
// primitives, scoping, error policies and a build-then-swap reload. Enrichers
// run once per emitted result, never per event.
package enrich

import "encoding/json"

// Kind is the kind of result an enricher handles.
type Kind string

// Result kinds.
const (
	Detection   Kind = "detection"
	Correlation Kind = "correlation"
)

// Target is the view of one result that enrichers read.
type Target struct {
	Kind             Kind
	Title, ID, Level string
	Tags             []string

	// Detection results.
	Fields []FieldValue // matched_fields, in order
	Event  []byte       // raw JSON of the event when the result carries it

	// Correlation results.
	CorrelationType string
	AggregatedValue float64
	TimespanSecs    int64
	GroupKey        [][2]string // [field, value] in group-by order
}

// FieldValue is one matched field as text.
type FieldValue struct{ Name, Text string }

// Value is one key of a result's `enrichments` object; JSON is the raw
// JSON of the injected value.
type Value struct {
	Key  string
	JSON json.RawMessage
}
