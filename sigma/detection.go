package sigma

import (
	"encoding/binary"
	"hash/maphash"
)

// Detection is a rule's `detection:` section: named searches plus one or more
// conditions over them. A rule matches when any of its conditions is true.
type Detection struct {
	// Searches are the search identifiers in YAML order, followed by
	// identifiers injected by filters and pipelines.
	Searches []*Search
	// Conditions are the parsed `condition:` entries (a list is an OR).
	Conditions []*Condition
}

// Search is one search identifier: an OR of AND-groups. A YAML mapping is a
// single group; a list of mappings is one group per element; keyword lists are
// a single group holding one keyword item.
type Search struct {
	// Name is the identifier as conditions refer to it.
	Name string
	// Scope is "" for the rule's own identifiers. Identifiers injected by a
	// filter or pipeline carry a private scope (their name prefix) so that
	// `them` and user patterns never select them (sigma-rules.md §8.2).
	Scope string
	// Groups are OR-combined; each group is an AND of items.
	Groups []*Group
}

// Group is an AND of detection items.
type Group struct {
	Items []*Item
}

// Item is one detection item: `Field|mod1|mod2: values`.
type Item struct {
	// Field is the field name; "" for keyword items.
	Field string
	// Modifiers are the modifier names in written order.
	Modifiers []string
	// Values are OR-combined (AND with the `all` modifier).
	Values []*RuleValue
	// Path is the YAML path of the item, used in error messages.
	Path string
}

// itemPlans are the plans built while items were validated at load time,
// by item fingerprint. Compile reuses the plan of an item whose fingerprint
// is unchanged (filters and pipelines may have rewritten it, a clone has the
// same one); the table belongs to the RuleSet, not to the items, so that the
// rule model holds no compiled state. Plans are immutable and shared.
type itemPlans map[itemKey]*itemPlan

// itemKey is the fingerprint of an item: a 64-bit hash, seeded once per
// process, of an unambiguous encoding of everything the compiled form of
// the item depends on. A changed item keeps its key with probability 2^-64;
// unlike a copy of the item's text, the key costs no allocation and 8 bytes.
type itemKey uint64

// itemKeySeed is chosen once per process and never changes.
var itemKeySeed = maphash.MakeSeed()

// fingerprint returns the item's key: field, modifiers, value kinds and
// texts, each string preceded by its length.
func (it *Item) fingerprint() itemKey {
	var h maphash.Hash
	h.SetSeed(itemKeySeed)
	writeKeyString(&h, it.Field)
	writeKeyLen(&h, len(it.Modifiers))
	for _, m := range it.Modifiers {
		writeKeyString(&h, m)
	}
	writeKeyLen(&h, len(it.Values))
	for _, v := range it.Values {
		h.WriteByte(byte(v.Kind))
		writeKeyString(&h, v.Text)
	}
	return itemKey(h.Sum64())
}

func writeKeyString(h *maphash.Hash, s string) {
	writeKeyLen(h, len(s))
	h.WriteString(s)
}

func writeKeyLen(h *maphash.Hash, n int) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	h.Write(b[:])
}

// Keyword reports whether the item searches the whole event (no field name).
func (it *Item) Keyword() bool { return it.Field == "" }

// Search returns the search identifier called name, or nil.
func (d *Detection) Search(name string) *Search {
	for _, s := range d.Searches {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// AddCondition injects s as a private search identifier and rewrites every
// condition C into `C and s` (or `C and not s` when negate is set). This is
// how filters and pipeline add_condition transformations narrow a rule.
func (d *Detection) AddCondition(s *Search, negate bool) {
	if s.Scope == "" {
		s.Scope = s.Name
	}
	d.Searches = append(d.Searches, s)
	var term *CondNode = &CondNode{Op: CondIdent, Name: s.Name}
	if negate {
		term = &CondNode{Op: CondNot, Args: []*CondNode{term}}
	}
	for _, c := range d.Conditions {
		c.Expr = &CondNode{Op: CondAnd, Args: []*CondNode{c.Expr, term}}
	}
}

// Clone returns a deep copy of the search: groups, items and values are
// private to the copy.
func (s *Search) Clone() *Search {
	c := *s
	c.Groups = make([]*Group, len(s.Groups))
	for i, g := range s.Groups {
		ng := &Group{Items: make([]*Item, len(g.Items))}
		for j, it := range g.Items {
			ng.Items[j] = it.Clone()
		}
		c.Groups[i] = ng
	}
	return &c
}

// Clone returns a deep copy of the item.
func (it *Item) Clone() *Item {
	c := *it
	c.Modifiers = append([]string(nil), it.Modifiers...)
	c.Values = make([]*RuleValue, len(it.Values))
	for i, v := range it.Values {
		nv := *v
		c.Values[i] = &nv
	}
	return &c
}
