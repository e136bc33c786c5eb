package sigma

// Event is the read-only view of one log event that compiled rules are
// evaluated against. Implementations exist for raw JSON bytes (the fast path:
// only the fields the engine needs are extracted, in one pass), for decoded
// maps and for flat key/value events (syslog, logfmt, plain lines).
//
// An Event is used by one goroutine at a time; values it returns stay valid
// until the Event is reset or released by its owner.
type Event interface {
	// Field returns the value of f in this event, with Kind == KindMissing when
	// the event has no such field. A field whose name contains dots is looked
	// up first as a literal key and then as a nested path (sigma-rules.md §4.3).
	Field(f *Field) Value

	// Keywords calls fn with every string leaf of the event (for keyword
	// detections) until fn returns true; it reports whether fn returned true.
	Keywords(fn func(v *Value) bool) bool

	// JSONView returns the event's raw JSON view, whose single-pass
	// extraction the candidate index and the keyword automata read
	// directly (present fields, raw leaves, memoised field texts), or nil
	// when the event has none: the engine then asks Field and Keywords,
	// with the same results. A JSONEvent returns itself; other
	// implementations return nil.
	JSONView() *JSONEvent
}

// Field is a field name referenced by a rule, interned by the compile step.
// The same *Field is shared by every matcher that reads that name, so an
// Event implementation may key its per-event cache by ID.
type Field struct {
	// Name is the field name as written in the rule (after pipelines ran).
	Name string
	// Path is Name split on '.', used for nested lookup.
	Path []string
	// ID is a dense index in the engine's field table, or -1 when the field
	// was created outside a compile step (ad-hoc lookups, tests).
	ID int
}

// NewField returns an ad-hoc Field (ID -1) for name.
func NewField(name string) *Field {
	return &Field{Name: name, Path: splitPath(name), ID: -1}
}

func splitPath(name string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(name); i++ {
		if name[i] == '.' {
			parts = append(parts, name[start:i])
			start = i + 1
		}
	}
	return append(parts, name[start:])
}
