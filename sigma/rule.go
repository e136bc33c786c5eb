package sigma

import "gopkg.in/yaml.v3"

// Rule is one Sigma detection rule as loaded from YAML. It is the mutable model
// that filters and processing pipelines rewrite before Compile; Compile never
// modifies it further.
type Rule struct {
	// File is the path the rule was loaded from ("" for rules built in code).
	File string
	// DocIndex is the 1-based position of the document within File.
	DocIndex int

	Title, ID, Name, Status, Description, Level string // Level is "" when unset
	Author, Date, Modified, License, Taxonomy   string

	Tags           []string
	References     []string
	Fields         []string
	FalsePositives []string
	Scope          []string
	Related        []Related

	// CustomAttributes holds the `custom_attributes:` mapping in YAML order,
	// preceded by unknown top-level keys (an explicit custom attribute replaces
	// a same-named top-level key in place).
	CustomAttributes []Attribute

	Logsource Logsource
	Detection *Detection

	// Warnings lists non-fatal problems found while loading (invalid level,
	// legacy timeframe, ...).
	Warnings []string
}

// Related is one entry of the rule's `related:` list.
type Related struct{ ID, Type string }

// Attribute is one key/value pair of a YAML mapping kept in document order.
// Value is a string, json.Number, bool, nil, []any or []Attribute.
type Attribute struct {
	Key   string
	Value any
}

// Logsource is the rule's `logsource:` section. Custom holds keys other than
// the four standard ones, in YAML order.
type Logsource struct {
	Category, Product, Service, Definition string
	Custom                                 []Attribute
}

// DisplayName returns the rule's title, or its id when untitled; it is what
// error messages use to name the rule.
func (r *Rule) DisplayName() string {
	if r.Title != "" {
		return r.Title
	}
	return r.ID
}

// CustomAttribute returns the value of the named custom attribute.
func (r *Rule) CustomAttribute(key string) (any, bool) {
	return LookupAttribute(r.CustomAttributes, key)
}

// SetCustomAttribute sets key to value, replacing an existing entry in place
// or appending a new one.
func (r *Rule) SetCustomAttribute(key string, value any) {
	r.CustomAttributes = SetAttribute(r.CustomAttributes, key, value)
}

// LookupAttribute returns the value of key in an ordered attribute list.
func LookupAttribute(attrs []Attribute, key string) (any, bool) {
	for _, a := range attrs {
		if a.Key == key {
			return a.Value, true
		}
	}
	return nil, false
}

// SetAttribute sets key to value in an ordered attribute list, replacing an
// existing entry in place or appending a new one, and returns the list.
func SetAttribute(attrs []Attribute, key string, value any) []Attribute {
	for i := range attrs {
		if attrs[i].Key == key {
			attrs[i].Value = value
			return attrs
		}
	}
	return append(attrs, Attribute{Key: key, Value: value})
}

// RuleSet is the result of loading one or more rule files.
type RuleSet struct {
	Rules        []*Rule           // detection rules, in load order
	Correlations []*CorrelationDoc // documents with a top-level `correlation:` key
	Filters      []*Filter         // `filter` documents
	Rejected     []*LoadError      // documents/rules that could not be loaded

	filtersApplied bool
	plans          itemPlans // load-time item plans (detection.go); nil: none
}

// Merge appends other's contents to rs.
func (rs *RuleSet) Merge(other *RuleSet) {
	if other == nil {
		return
	}
	rs.Rules = append(rs.Rules, other.Rules...)
	rs.Correlations = append(rs.Correlations, other.Correlations...)
	rs.Filters = append(rs.Filters, other.Filters...)
	rs.Rejected = append(rs.Rejected, other.Rejected...)
	if len(other.plans) > 0 && rs.plans == nil {
		rs.plans = make(itemPlans, len(other.plans))
	}
	for k, p := range other.plans {
		rs.plans[k] = p
	}
}

// CorrelationDoc is a document with a top-level `correlation:` key. Package
// correlation parses it; sigma only routes it.
type CorrelationDoc struct {
	File            string
	DocIndex        int
	Title, ID, Name string
	Node            *yaml.Node // the document's mapping node
}

// Warnings lists non-fatal findings across the set: each rule's own warnings
// (invalid level, legacy timeframe, ...) and ids used by more than one
// detection or correlation rule (sigma-rules.md §1.4), each prefixed with
// file and rule.
func (rs *RuleSet) Warnings() []string {
	var out []string
	seen := map[string]string{} // id → file of the first rule holding it
	duplicate := func(file, name, id string) {
		if id == "" {
			return
		}
		if first, dup := seen[id]; dup {
			out = append(out, file+": "+name+": duplicate id "+id+" (also "+first+")")
			return
		}
		seen[id] = file
	}
	for _, r := range rs.Rules {
		for _, w := range r.Warnings {
			out = append(out, r.File+": "+r.DisplayName()+": "+w)
		}
		duplicate(r.File, r.DisplayName(), r.ID)
	}
	for _, c := range rs.Correlations {
		name := c.Title
		if name == "" {
			name = c.ID
		}
		duplicate(c.File, name, c.ID)
	}
	return out
}
