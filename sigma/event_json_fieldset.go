package sigma

// Field sets: a caller that reads many fields only to find out whether an
// event has any of some of them (logsource recognition looks for a Windows
// channel, an ECS dataset, a cloud-audit marker, …) asks a JSONEvent once,
// from the list of fields its single-pass extraction found, instead of
// probing each field.

// FieldSet is a set of fields of one FieldTable. It is immutable.
type FieldSet struct {
	bits  []uint64
	probe *Field // the field with the highest ID; nil: the set cannot be checked
}

// NewFieldSet returns the set of fields, all interned in one FieldTable. A
// field without an ID (NewField) makes a set that no event rules out.
func NewFieldSet(fields []*Field) *FieldSet {
	s := &FieldSet{}
	for _, f := range fields {
		if f.ID < 0 {
			return &FieldSet{}
		}
		for f.ID>>6 >= len(s.bits) {
			s.bits = append(s.bits, 0)
		}
		s.bits[f.ID>>6] |= 1 << (f.ID & 63)
		if s.probe == nil || f.ID > s.probe.ID {
			s.probe = f
		}
	}
	return s
}

// MayHaveAny reports whether the event may have a field of s (present,
// possibly null). It is false only when the event's extraction proves it
// has none of them: an event not bound to the set's table (or bound before
// a field of the set was interned), one whose document repeats a key, and
// an empty or unchecked set answer true.
func (e *JSONEvent) MayHaveAny(s *FieldSet) bool {
	if s == nil || s.probe == nil || !e.valid || e.x.dupKey {
		return true
	}
	if plan := e.x.plan.fields; s.probe.ID >= len(plan) || plan[s.probe.ID] != s.probe {
		return true
	}
	for _, id := range e.x.present {
		if w := int(id) >> 6; w < len(s.bits) && s.bits[w]&(1<<(id&63)) != 0 {
			return true
		}
	}
	return false
}
