package sigma

// JSONEvent is the fast Event over one raw JSON document, bound to the
// FieldTable of an Engine. Reset validates the whole document and, in the
// same single pass, records where every field of the table lies (dotted
// paths into nested objects and across arrays too); everything else is
// skipped without allocation. A field's Value is built on its first Field
// call: strings are unescaped only when they contain escapes and
// case-folded once per event (ASCII without copying when already lower).
// Fields not in the table are still answered, by a slower walk of the bytes.
//
// A JSONEvent is reused for many documents by one goroutine at a time. It
// copies the document on Reset; the strings and slices inside the Values it
// returns alias its internal buffers and are overwritten by the next Reset,
// so a caller that keeps a value past that (a correlation group key, say)
// must copy it (strings.Clone).
type JSONEvent struct {
	table *FieldTable
	x     extraction
	vb    valueBuilder
	valid bool

	spans   []valueSpan // scratch for collecting a field's hits
	scratch []byte      // scratch for unescaped keys on the slow path

	vals   []Value  // per field: the Value built this event
	valGen []uint32 // per field: generation of vals

	memo visitMemo // candidate-index marks by field value (event_json_present.go)

	leavesGen uint32 // generation whose string leaves are in leaves
	leaves    []Value
	adhoc     []adhocValue
}

// maxJSONEventBytes bounds a document: spans are 32-bit offsets.
const maxJSONEventBytes = 1<<31 - 1

// adhocValue caches a field that is not in the table for the current event.
type adhocValue struct {
	field *Field
	val   Value
}

// NewJSONEvent returns an empty event bound to t. Fields interned into t
// later are picked up by the next Reset.
func NewJSONEvent(t *FieldTable) *JSONEvent {
	if t == nil {
		t = NewFieldTable()
	}
	e := &JSONEvent{table: t}
	e.bind(t.All())
	return e
}

func (e *JSONEvent) bind(fs []*Field) {
	e.x.bind(newExtractPlan(fs))
	e.vals = make([]Value, len(fs))
	e.valGen = make([]uint32, len(fs))
	e.leavesGen = 0
}

// Reset makes the event hold a copy of raw. It returns an error, and the
// event then has no fields, when raw is not exactly one valid JSON value
// (white space around it is allowed). Any JSON value is accepted as the
// root; only objects (and arrays of objects) have fields.
func (e *JSONEvent) Reset(raw []byte) error {
	if fs := e.table.All(); len(fs) != len(e.x.plan.fields) {
		e.bind(fs)
	}
	if len(raw) > maxJSONEventBytes {
		e.valid = false
		e.x.nextGen()
		return &jsonSyntaxError{Offset: maxJSONEventBytes, Msg: "document larger than 2 GiB"}
	}
	e.x.buf = append(e.x.buf[:0], raw...)
	e.vb.reset()
	e.adhoc = e.adhoc[:0]
	e.valid = false
	err := e.x.run()
	if err != nil {
		e.x.nextGen() // drop the partial hits
	}
	if e.x.gen <= 2 { // first events, or the generation counter wrapped
		clear(e.valGen)
		e.leavesGen = 0
	}
	if err != nil {
		return err
	}
	e.valid = true
	return nil
}

// Raw returns the event's JSON text (the event's own copy; read-only).
func (e *JSONEvent) Raw() []byte { return e.x.buf }

// Field implements Event.
func (e *JSONEvent) Field(f *Field) Value {
	id := f.ID
	if !e.valid {
		return Value{}
	}
	if uint(id) >= uint(len(e.x.plan.fields)) || e.x.plan.fields[id] != f {
		return e.adhocField(f)
	}
	gen := e.x.gen
	if e.x.slotGen[id] != gen && !e.x.dupKey {
		return Value{} // the common case: the event lacks the field
	}
	if e.valGen[id] == gen {
		return e.vals[id]
	}
	var v Value
	if e.x.dupKey {
		v = e.resolve(f)
	} else {
		v = e.fromSlot(&e.x.slots[id])
	}
	e.vals[id], e.valGen[id] = v, gen
	return v
}

// fromSlot materialises what the extractor recorded for one field.
func (e *JSONEvent) fromSlot(s *fieldSlot) Value {
	doc := e.x.buf
	switch {
	case s.hasLiteral:
		return e.vb.value(doc, s.literal)
	case s.count == 0:
		return Value{}
	case s.count == 1:
		return e.vb.value(doc, e.x.hits[s.head].span)
	}
	e.spans = e.spans[:0]
	for h := s.head; h >= 0; h = e.x.hits[h].next {
		e.spans = append(e.spans, e.x.hits[h].span)
	}
	return e.vb.hits(doc, e.spans)
}

// resolve answers f by walking the document (the slow path).
func (e *JSONEvent) resolve(f *Field) Value {
	e.spans = resolveSpans(e.x.buf, f, e.spans[:0], &e.scratch)
	switch len(e.spans) {
	case 0:
		return Value{}
	case 1:
		return e.vb.value(e.x.buf, e.spans[0])
	}
	return e.vb.hits(e.x.buf, e.spans)
}

func (e *JSONEvent) adhocField(f *Field) Value {
	for i := range e.adhoc {
		if e.adhoc[i].field == f {
			return e.adhoc[i].val
		}
	}
	v := e.resolve(f)
	e.adhoc = append(e.adhoc, adhocValue{field: f, val: v})
	return v
}

// Keywords implements Event: every string leaf of the document, at any
// depth and inside arrays, in document order; object keys are not leaves.
// The extraction pass recorded where they are; each is decoded and folded
// when a call first reaches it this event (a call that stops early leaves
// the rest unbuilt).
// JSONView implements Event: a JSONEvent is its own raw JSON view.
func (e *JSONEvent) JSONView() *JSONEvent { return e }

func (e *JSONEvent) Keywords(fn func(v *Value) bool) bool {
	if !e.valid {
		return false
	}
	if e.leavesGen != e.x.gen {
		e.leaves = e.leaves[:0]
		e.leavesGen = e.x.gen
	}
	for i, sp := range e.x.leaves {
		if i == len(e.leaves) {
			e.leaves = append(e.leaves, e.vb.value(e.x.buf, sp))
		}
		if fn(&e.leaves[i]) {
			return true
		}
	}
	return false
}
