package sigma

import (
	"hash/maphash"
	"slices"
	"strings"
)

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
	je, ok := ev.(*JSONEvent)
	if !ok {
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
			v := ev.Field(fi.field)
			switch v.Kind {
			case KindMissing, KindNull:
			case KindString:
				memo.visit(fi, id, &v)
			default:
				fi.visit(&v, sc)
			}
		}
	}
	return true
}

// visitMemo remembers, per JSONEvent (so per goroutine, across events), the
// rule marks an indexed field's string value produced: log streams repeat
// most values (images, parents, users, descriptions), and a hash lookup is
// far cheaper than the automaton scans of fieldIndex.visit. visit is a pure
// function of the index entry and the value's text, so replaying its marks
// changes nothing. Each field has a small direct-mapped cache; a field whose
// values rarely repeat (IDs, GUIDs, times) stops being cached. The memo is
// dropped when the engine changes.
type visitMemo struct {
	owner  *candidateIndex
	fields []*fieldMemo // by field ID
	seed   maphash.Seed
	sc     *evalScratch
	rec    []int32
	record func(id int32) // bound once: marks and records
}

const (
	memoSlots     = 64  // per field
	memoProbation = 512 // lookups before a field's hit rate is judged
)

type fieldMemo struct {
	slots        [memoSlots]memoSlot
	lookups, hit int
	judged       bool // the hit rate was checked after memoProbation lookups
	off          bool // values of this field do not repeat enough
}

type memoSlot struct {
	text string
	ids  []int32
	used bool
}

func (e *JSONEvent) visitMemo(x *candidateIndex, sc *evalScratch) *visitMemo {
	m := &e.memo
	if m.owner != x {
		m.owner = x
		m.fields = make([]*fieldMemo, len(x.byID))
		m.seed = maphash.MakeSeed()
	}
	if m.record == nil {
		m.record = m.markAndRecord
	}
	m.sc = sc
	return m
}

func (m *visitMemo) markAndRecord(id int32) {
	m.sc.markRule(id)
	m.rec = append(m.rec, id)
}

// visit marks what fi.visit marks for the string v, from the memo when the
// same text was seen recently.
func (m *visitMemo) visit(fi *fieldIndex, id int32, v *Value) {
	fm := m.fields[id]
	if fm == nil {
		fm = &fieldMemo{}
		m.fields[id] = fm
	}
	if fm.off {
		fi.visit(v, m.sc)
		return
	}
	fm.lookups++
	slot := &fm.slots[maphash.String(m.seed, v.Str)%memoSlots]
	if slot.used && slot.text == v.Str {
		fm.hit++
		for _, r := range slot.ids {
			m.sc.markRule(r)
		}
		return
	}
	if !fm.judged && fm.lookups >= memoProbation {
		fm.judged = true
		if fm.hit*4 < fm.lookups {
			fm.off, fm.slots = true, [memoSlots]memoSlot{}
		}
	}
	saved := m.sc.mark
	m.sc.mark = m.record
	m.rec = m.rec[:0]
	fi.visit(v, m.sc)
	m.sc.mark = saved
	if !fm.off {
		slices.Sort(m.rec)
		*slot = memoSlot{text: strings.Clone(v.Str), ids: append(slot.ids[:0], slices.Compact(m.rec)...), used: true}
	}
}
