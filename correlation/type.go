package correlation

import "fmt"

// Type is a correlation type (correlation.md §3).
type Type uint8

// The eight correlation types.
const (
	EventCount Type = iota + 1
	ValueCount
	Temporal
	TemporalOrdered
	ValueSum
	ValueAvg
	ValuePercentile
	ValueMedian
)

var typeNames = [...]string{
	EventCount:      "event_count",
	ValueCount:      "value_count",
	Temporal:        "temporal",
	TemporalOrdered: "temporal_ordered",
	ValueSum:        "value_sum",
	ValueAvg:        "value_avg",
	ValuePercentile: "value_percentile",
	ValueMedian:     "value_median",
}

// String returns the type's name as written in rules and results.
func (t Type) String() string {
	if int(t) < len(typeNames) && t != 0 {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// parseType maps a rule's `type:` value to a Type.
func parseTypeName(s string) (Type, bool) {
	for i, n := range typeNames {
		if n != "" && n == s {
			return Type(i), true
		}
	}
	return 0, false
}

// isTemporal reports whether t aggregates over which rules hit.
func (t Type) isTemporal() bool { return t == Temporal || t == TemporalOrdered }

// needsField reports whether t requires `condition.field`.
func (t Type) needsField() bool { return t == ValueCount || t.numeric() }

// numeric reports whether t aggregates one numeric field.
func (t Type) numeric() bool {
	return t == ValueSum || t == ValueAvg || t == ValuePercentile || t == ValueMedian
}

// ParseType returns the Type named name ("event_count", …).
func ParseType(name string) (Type, bool) { return parseTypeName(name) }
