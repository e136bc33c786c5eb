package sigma

import (
	"hash/maphash"
	"slices"
)

// visitMemo remembers, per JSONEvent (so per goroutine, across events), the
// rule marks the candidate index produced for a value: log streams repeat
// most values (images, parents, users, descriptions), and a hash lookup is
// far cheaper than building the value and running the automata over it.
//
// Memo keys are the value's JSON text in the document (escapes and quotes
// included), not the decoded value: the Value a JSONEvent builds from one
// span is a pure function of those bytes, and fieldIndex.visit and the
// keyword scan are pure functions of the Value, so replaying recorded marks
// changes nothing, and a hit costs neither decoding nor case folding.
//
//   - Indexed fields with one value: each field has a small direct-mapped
//     cache; a field whose values rarely repeat (IDs, GUIDs, times) stops
//     being cached after a probation.
//   - Keyword leaves (every string leaf, when the corpus has keyword
//     witnesses): one shared cache; hit rates are judged per leaf ordinal
//     (the leaf's position in the document), which in a stream of
//     similarly shaped events stands for "the same field".
//
// The memo is dropped when the engine changes. candidateIndex.noMemo
// switches it off (tests compare both).
type visitMemo struct {
	owner    *candidateIndex
	fields   []*fieldMemo // by field ID
	keywords *keywordMemo
	seed     maphash.Seed
	sc       *evalScratch
	rec      []int32
	// recBits has the bits of the ids in rec (the layout of
	// evalScratch.marks), so that a mark repeated while recording one value
	// is recorded once; store clears them again.
	recBits []uint64
	record  func(id int32) // bound once: marks and records
	saved   func(id int32) // sc.mark while recording
	// slotOf[id] holds field id's text this event when slotGen[id] is the
	// event's generation (index_verdict.go).
	slotOf   []*memoSlot
	slotGen  []uint32
	verdicts *[verdictSlots]keptVerdict
	// covered lists the starts of the string leaves whose keyword marks
	// were set by the field memo during event generation coveredGen.
	covered    []int32
	coveredGen uint32
}

const (
	memoSlots        = 256 // per field
	memoProbation    = 512 // lookups before a hit rate is judged
	keywordMemoSlots = 4096
	keywordOrdinals  = 256 // leaves past this share the last ordinal's judgement
)

// memoJudge decides, after memoProbation lookups, whether caching pays.
type memoJudge struct {
	lookups, hit int
	judged       bool
	off          bool // values do not repeat enough
}

// judge counts a miss-path lookup and reports whether caching stays on.
func (j *memoJudge) judge() bool {
	if !j.judged && j.lookups >= memoProbation {
		j.judged = true
		j.off = j.hit*4 < j.lookups
	}
	return !j.off
}

type fieldMemo struct {
	slots [memoSlots]memoSlot
	memoJudge
}

type keywordMemo struct {
	slots    [keywordMemoSlots]memoSlot
	ordinals [keywordOrdinals]memoJudge
}

type memoSlot struct {
	text string
	ids  []int32
	used bool
	// version changes whenever the slot is given a text (index_verdict.go).
	version uint32
}

func (e *JSONEvent) visitMemo(x *candidateIndex, sc *evalScratch) *visitMemo {
	m := &e.memo
	if m.owner != x {
		m.owner = x
		m.fields = make([]*fieldMemo, len(x.byID))
		m.recBits = make([]uint64, x.markWords)
		m.slotOf = make([]*memoSlot, len(x.byID))
		m.slotGen = make([]uint32, len(x.byID))
		m.verdicts = new([verdictSlots]keptVerdict)
		m.keywords = nil
		m.seed = maphash.MakeSeed()
	}
	if m.record == nil {
		m.record = m.markAndRecord
	}
	m.sc = sc
	return m
}

func (m *visitMemo) markAndRecord(id int32) {
	w, bit := m.owner.markBit(id)
	if m.recBits[w]&bit != 0 {
		return // already marked and recorded for this value
	}
	m.recBits[w] |= bit
	m.sc.setMark(w, bit)
	m.rec = append(m.rec, id)
}

// rawValue returns the span of field id's value when the event holds
// exactly one value for it (its Value is then built from those bytes
// alone). The field must be present this event and the event free of
// duplicate keys.
func (e *JSONEvent) rawValue(id int32) (valueSpan, bool) {
	s := &e.x.slots[id]
	var sp valueSpan
	switch {
	case s.hasLiteral:
		sp = s.literal
	case s.count == 1:
		sp = e.x.hits[s.head].span
	default:
		return valueSpan{}, false
	}
	return sp, true
}

// visit marks what fi.visit marks for the event's value of field id (a
// field the event has), from the memo when the same text was seen recently.
func (m *visitMemo) visit(fi *fieldIndex, id int32, je *JSONEvent) {
	fm := m.fields[id]
	if fm == nil {
		fm = &fieldMemo{}
		m.fields[id] = fm
	}
	sp, ok := je.rawValue(id)
	if fm.off || !ok || m.owner.noMemo {
		visitValue(fi, je.Field(fi.field), m.sc)
		return
	}
	raw := je.x.buf[sp.start:sp.end]
	fm.lookups++
	slot := &fm.slots[maphash.Bytes(m.seed, raw)%memoSlots]
	leaf := m.owner.keywords != nil && raw[0] == '"'
	if slot.used && slot.text == string(raw) {
		fm.hit++
		m.replay(slot.ids)
		if leaf {
			m.cover(je, sp)
		}
		m.noteSlot(je, id, slot)
		return
	}
	if !fm.judge() {
		fm.slots = [memoSlots]memoSlot{}
		visitValue(fi, je.Field(fi.field), m.sc)
		return
	}
	m.startRecording()
	visitValue(fi, je.Field(fi.field), m.sc)
	if leaf {
		m.scanLeaf(je, sp)
		m.cover(je, sp)
	}
	m.store(slot, raw)
	m.noteSlot(je, id, slot)
}

// cover notes that the keyword marks of the string leaf at sp were set
// with its field's memo entry (which records them too: a field slot of a
// string value holds the marks of fieldIndex.visit and of the keyword scan
// of the same text), so scanKeywords skips the leaf this event.
func (m *visitMemo) cover(je *JSONEvent, sp valueSpan) {
	if m.coveredGen != je.x.gen {
		m.covered, m.coveredGen = m.covered[:0], je.x.gen
	}
	m.covered = append(m.covered, sp.start)
}

// visitValue visits v unless it is missing or null.
func visitValue(fi *fieldIndex, v Value, sc *evalScratch) {
	if v.Kind != KindMissing && v.Kind != KindNull {
		fi.visit(&v, sc)
	}
}

func (m *visitMemo) replay(ids []int32) {
	for _, r := range ids {
		m.sc.markRule(r)
	}
}

// startRecording routes marks through m.record until store.
func (m *visitMemo) startRecording() {
	m.rec = m.rec[:0]
	m.saved, m.sc.mark = m.sc.mark, m.record
}

// store ends recording and keeps the recorded marks of text in slot.
func (m *visitMemo) store(slot *memoSlot, text []byte) {
	m.sc.mark, m.saved = m.saved, nil
	for _, id := range m.rec {
		w, bit := m.owner.markBit(id)
		m.recBits[w] &^= bit
	}
	*slot = memoSlot{text: string(text), ids: append(slot.ids[:0], m.rec...), used: true, version: slot.version + 1}
}

// scanKeywords marks the keyword witnesses of every string leaf of je, as
// Keywords(sc.leaf) would; it reports false (and does nothing) when the
// event cannot list its leaves' text.
func (m *visitMemo) scanKeywords(je *JSONEvent) bool {
	if !je.valid || m.owner.noMemo {
		return false
	}
	km := m.keywords
	if km == nil {
		km = &keywordMemo{}
		m.keywords = km
	}
	doc := je.x.buf
	var covered []int32
	if m.coveredGen == je.x.gen {
		covered = m.covered
		slices.Sort(covered)
	}
	for i, sp := range je.x.leaves {
		for len(covered) > 0 && covered[0] < sp.start {
			covered = covered[1:]
		}
		if len(covered) > 0 && covered[0] == sp.start {
			continue // answered with its field (cover)
		}
		raw := doc[sp.start:sp.end]
		j := &km.ordinals[min(i, keywordOrdinals-1)]
		if j.off {
			m.scanLeaf(je, sp)
			continue
		}
		j.lookups++
		slot := &km.slots[maphash.Bytes(m.seed, raw)%keywordMemoSlots]
		if slot.used && slot.text == string(raw) {
			j.hit++
			m.replay(slot.ids)
			continue
		}
		if !j.judge() {
			m.scanLeaf(je, sp)
			continue
		}
		m.startRecording()
		m.scanLeaf(je, sp)
		m.store(slot, raw)
	}
	return true
}

// memoKeywords is scanKeywords for a JSONEvent; false for other events.
func (x *candidateIndex) memoKeywords(ev Event, sc *evalScratch) bool {
	je := ev.JSONView()
	return je != nil && je.visitMemo(x, sc).scanKeywords(je)
}

func (m *visitMemo) scanLeaf(je *JSONEvent, sp valueSpan) {
	if m.scanLeafFolding(je, sp) { // index_ac_fold.go
		return
	}
	v := je.vb.value(je.x.buf, sp)
	m.sc.scanLeaf(&v)
}
