package sigma

// FieldTable interns the field names that compiled rules read. Every name maps
// to exactly one *Field whose ID is its index in All(), so Event
// implementations can keep per-event caches in dense slices.
//
// Lookup, Len and All are safe for concurrent use once the table is no longer
// being extended; Intern must not run concurrently with anything else on the
// table (callers intern their extra fields right after Compile).
type FieldTable struct {
	byName map[string]*Field
	all    []*Field
}

// NewFieldTable returns an empty table.
func NewFieldTable() *FieldTable {
	return &FieldTable{byName: make(map[string]*Field)}
}

// Len returns the number of interned fields.
func (t *FieldTable) Len() int { return len(t.all) }

// Lookup returns the interned field for name, if any.
func (t *FieldTable) Lookup(name string) (*Field, bool) {
	f, ok := t.byName[name]
	return f, ok
}

// All returns every interned field; All()[i].ID == i. The slice must not be
// modified.
func (t *FieldTable) All() []*Field { return t.all }

// Intern returns the field for name, adding it when new.
func (t *FieldTable) Intern(name string) *Field {
	if f, ok := t.byName[name]; ok {
		return f
	}
	f := &Field{Name: name, Path: splitPath(name), ID: len(t.all)}
	t.byName[name] = f
	t.all = append(t.all, f)
	return f
}
