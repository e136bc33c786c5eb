package sigma

import (
	"math/bits"
	"unsafe"
)

// Item verdicts by value. A costly item (a regular expression, a long list
// of substrings) tests one field, and its verdict is a pure function of
// that field's Value, which a JSONEvent builds from the field's JSON text
// alone when the field has one value. Log streams repeat those texts
// (command lines of services and scheduled jobs), and the visit memo
// (index_memo.go) already recognises a repeated text: the verdicts of
// costly items are kept in a small direct-mapped table under the memo slot
// that holds the text (and the slot's version, which changes when the slot
// is given another text), so that a later event with the same text answers
// them from there.

// minVerdictCost is the itemNode.cost from which an item's verdicts are
// kept (a regular expression, or about six substrings).
const minVerdictCost = 20

// verdictSlots is the size of the kept-verdict table.
const (
	verdictBits  = 10
	verdictSlots = 1 << verdictBits
)

// keptVerdict is one kept verdict: item's on the text of slot at version.
type keptVerdict struct {
	slot    *memoSlot
	item    *itemNode
	version uint32
	verdict bool
}

// verdictItems marks, per group of s, the items whose verdicts are kept.
func verdictItems(groups [][]*itemNode) [][]bool {
	out := make([][]bool, len(groups))
	for i, g := range groups {
		out[i] = make([]bool, len(g))
		for j, n := range g {
			out[i][j] = n.kind == itemValues && n.field != nil && n.cost() >= minVerdictCost
		}
	}
	return out
}

// evalKept is n.eval(ev), answered from the kept verdicts when ev is a
// JSONEvent whose text of n's field is in the visit memo.
func evalKept(n *itemNode, ev Event) bool {
	je := ev.JSONView()
	if je == nil {
		return n.eval(ev)
	}
	m := &je.memo
	slot := m.slotThisEvent(je, n.field)
	if slot == nil {
		return n.eval(ev)
	}
	h := (uintptr(unsafe.Pointer(slot)) ^ uintptr(unsafe.Pointer(n))>>4) * 0x9E3779B97F4A7C15
	k := &m.verdicts[h>>(bits.UintSize-verdictBits)]
	if k.slot == slot && k.item == n && k.version == slot.version {
		return k.verdict
	}
	verdict := n.eval(ev)
	*k = keptVerdict{slot: slot, item: n, version: slot.version, verdict: verdict}
	return verdict
}

// slotThisEvent returns the memo slot that holds the text of field f in
// this event, or nil.
func (m *visitMemo) slotThisEvent(je *JSONEvent, f *Field) *memoSlot {
	id := f.ID
	if uint(id) >= uint(len(m.slotGen)) || m.slotGen[id] != je.x.gen || je.x.plan.fields[id] != f {
		return nil
	}
	return m.slotOf[id]
}

// noteSlot records that slot holds the text of field id this event.
func (m *visitMemo) noteSlot(je *JSONEvent, id int32, slot *memoSlot) {
	m.slotOf[id], m.slotGen[id] = slot, je.x.gen
}
