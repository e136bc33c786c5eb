package sigma

// Present-field iteration: the candidate index asks a JSONEvent for the
// fields it has instead of probing every indexed field (most events carry a
// few dozen of the corpus's hundreds of fields).

// presentFields returns the table fields the event has (value possibly
// null), each once; ok is false when the event cannot tell (invalid, or a
// document with repeated keys, whose fields are resolved on demand).
func (e *JSONEvent) presentFields() (ids []int32, ok bool) {
	if !e.valid || e.x.dupKey {
		return nil, false
	}
	return e.x.present, true
}

// fieldIndexByID maps field IDs of the engine's table to their index entry.
func fieldIndexByID(fields []*fieldIndex) []*fieldIndex {
	n := 0
	for _, fi := range fields {
		n = max(n, fi.field.ID+1)
	}
	byID := make([]*fieldIndex, n)
	for _, fi := range fields {
		if fi.field.ID >= 0 {
			byID[fi.field.ID] = fi
		}
	}
	return byID
}

// visitPresent visits the index entries of the fields a JSONEvent has; it
// reports false (and does nothing) for other events, which are probed field
// by field.
func (x *candidateIndex) visitPresent(ev Event, sc *evalScratch) bool {
	je := ev.JSONView()
	if je == nil {
		return false
	}
	ids, ok := je.presentFields()
	if !ok {
		return false
	}
	// The event must be bound to the engine's table (it may have grown since,
	// IDs are stable): one indexed field found at its ID proves it.
	plan := je.x.plan.fields
	if len(x.fields) == 0 {
		return true
	}
	if f := x.fields[0].field; f.ID >= len(plan) || plan[f.ID] != f {
		return false
	}
	memo := je.visitMemo(x, sc)
	for _, id := range ids {
		if int(id) >= len(x.byID) {
			continue
		}
		if fi := x.byID[id]; fi != nil {
			memo.visit(fi, id, je) // index_memo.go
		}
	}
	return true
}
