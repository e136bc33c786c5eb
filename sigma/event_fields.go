package sigma

// FieldsEvent is a flat key/value Event (syslog, logfmt, CEF): lookup is by
// exact key only (a dotted name is never split) and every value is a string
// (sigma-rules.md §4.3). When a key repeats, the last value wins. Keywords
// visits every value. Values have no Raw.
type FieldsEvent struct {
	keys, values []string
	folds        []string
	folded       []bool
}

// NewFieldsEvent returns an event over keys[i] = values[i]; the slices are
// kept, not copied. Extra keys or values without a partner are ignored.
func NewFieldsEvent(keys, values []string) *FieldsEvent {
	e := &FieldsEvent{}
	e.Reset(keys, values)
	return e
}

// Reset makes the event hold another set of pairs, reusing its buffers.
func (e *FieldsEvent) Reset(keys, values []string) {
	n := min(len(keys), len(values))
	e.keys, e.values = keys[:n], values[:n]
	e.folds = append(e.folds[:0], make([]string, n)...)
	e.folded = append(e.folded[:0], make([]bool, n)...)
}

// Field implements Event.
func (e *FieldsEvent) Field(f *Field) Value {
	for i := len(e.keys) - 1; i >= 0; i-- {
		if e.keys[i] == f.Name {
			return e.value(i)
		}
	}
	return Value{}
}

func (e *FieldsEvent) value(i int) Value {
	if !e.folded[i] {
		e.folds[i], e.folded[i] = foldString(e.values[i]), true
	}
	return Value{Kind: KindString, Str: e.values[i], Fold: e.folds[i]}
}

// Keywords implements Event: every value, in order.
// JSONView implements Event: a FieldsEvent has no raw JSON view.
func (e *FieldsEvent) JSONView() *JSONEvent { return nil }

func (e *FieldsEvent) Keywords(fn func(v *Value) bool) bool {
	for i := range e.values {
		v := e.value(i)
		if fn(&v) {
			return true
		}
	}
	return false
}

// PlainEvent is a keyword-only Event over one line of text: it has no
// fields, and Keywords visits the whole line as one string leaf.
type PlainEvent struct {
	line   Value
	folded bool
}

// NewPlainEvent returns an event over line.
func NewPlainEvent(line string) *PlainEvent {
	e := &PlainEvent{}
	e.Reset(line)
	return e
}

// Reset makes the event hold another line.
func (e *PlainEvent) Reset(line string) {
	e.line = Value{Kind: KindString, Str: line}
	e.folded = false
}

// Field implements Event: a plain line has no fields.
func (e *PlainEvent) Field(*Field) Value { return Value{} }

// Keywords implements Event.
// JSONView implements Event: a PlainEvent has no raw JSON view.
func (e *PlainEvent) JSONView() *JSONEvent { return nil }

func (e *PlainEvent) Keywords(fn func(v *Value) bool) bool {
	if !e.folded {
		e.line.Fold, e.folded = foldString(e.line.Str), true
	}
	v := e.line
	return fn(&v)
}
