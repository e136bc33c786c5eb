package logsource

import (
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// Op is how a Condition tests an event field.
type Op uint8

// Condition operators. Comparisons are case-insensitive on the field's
// text (a string, or a number's or boolean's canonical text); on an array
// field a condition holds when it holds for one element.
const (
	// OpEquals: the field equals one of Values.
	OpEquals Op = iota
	// OpExists: the field is present and not null.
	OpExists
	// OpStartsWith: the field starts with one of Values.
	OpStartsWith
	// OpEndsWith: the field ends with one of Values.
	OpEndsWith
	// OpContains: the field contains one of Values.
	OpContains
)

var opNames = [...]string{OpEquals: "", OpExists: "exists", OpStartsWith: "startswith", OpEndsWith: "endswith", OpContains: "contains"}

// Condition is one test of a Mapping.
type Condition struct {
	Field  string
	Op     Op
	Values []string // unused by OpExists
}

// String renders c as YAML-like text: `Field|op: [values]`.
func (c Condition) String() string {
	key := c.Field
	if c.Op != OpEquals {
		key += "|" + opNames[c.Op]
	}
	if c.Op == OpExists {
		return key
	}
	if len(c.Values) == 1 {
		return key + ": " + c.Values[0]
	}
	return key + ": [" + strings.Join(c.Values, ", ") + "]"
}

// Mapping recognizes one shape of event by field conditions: when every
// condition of When holds, the event reveals the known dimensions of
// Logsource. Builtin mappings (shapes.go) and user-declared ones (declare.go)
// share this form.
type Mapping struct {
	// Name says what the mapping recognizes ("AWS CloudTrail"); used in
	// documentation and errors.
	Name      string
	When      []Condition
	Logsource Recognized
}

// compiledCondition is a Condition with its field interned and its values
// lower-cased.
type compiledCondition struct {
	field  *sigma.Field
	op     Op
	values []string
}

type compiledMapping struct {
	when []compiledCondition
	key  Key
}

func (r *Recognizer) compileMapping(m Mapping) compiledMapping {
	cm := compiledMapping{key: r.intern(m.Logsource)}
	for _, c := range m.When {
		cc := compiledCondition{field: r.field(c.Field), op: c.Op}
		for _, v := range c.Values {
			cc.values = append(cc.values, strings.ToLower(v))
		}
		cm.when = append(cm.when, cc)
	}
	return cm
}

// matches reports whether every condition holds on ev; first, when not
// nil, is the value of the first condition's field, already read.
func (m *compiledMapping) matches(ev sigma.Event, first *sigma.Value) bool {
	for i := range m.when {
		c := &m.when[i]
		var v sigma.Value
		if i == 0 && first != nil {
			v = *first
		} else {
			v = ev.Field(c.field)
		}
		if !c.holds(&v) {
			return false
		}
	}
	return true
}

func (c *compiledCondition) holds(v *sigma.Value) bool {
	switch v.Kind {
	case sigma.KindMissing:
		return false
	case sigma.KindNull:
		return false
	case sigma.KindArray:
		for i := range v.Items {
			if c.holds(&v.Items[i]) {
				return true
			}
		}
		return false
	}
	if c.op == OpExists {
		return true
	}
	text, ok := folded(v)
	if !ok {
		return false
	}
	for _, want := range c.values {
		switch c.op {
		case OpEquals:
			if text == want {
				return true
			}
		case OpStartsWith:
			if strings.HasPrefix(text, want) {
				return true
			}
		case OpEndsWith:
			if strings.HasSuffix(text, want) {
				return true
			}
		case OpContains:
			if strings.Contains(text, want) {
				return true
			}
		}
	}
	return false
}

// folded returns the lower-case text of a scalar value.
func folded(v *sigma.Value) (string, bool) {
	switch v.Kind {
	case sigma.KindString, sigma.KindNumber, sigma.KindBool:
		if v.Fold != "" || v.Str == "" {
			return v.Fold, true
		}
		return strings.ToLower(v.Str), true
	}
	return "", false
}
