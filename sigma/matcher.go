package sigma

// valueMatcher tests one scalar event value (never an array: the item node
// fans out over array members). Implementations hold pre-lowered literals and
// must not allocate.
//
// A scalar is passed as its kind, exact text and folded text (not as *Value)
// so that calls through the interface do not force event values onto the
// heap.
type valueMatcher interface {
	match(k Kind, str, fold string) bool
}

// text returns the string form string matchers compare against: the folded
// or exact text of strings, numbers (canonical text) and booleans. ok is false
// for null, objects, arrays and missing values.
func text(v *Value, cased bool) (string, bool) {
	return scalarTextOf(v.Kind, v.Str, v.Fold, cased)
}

// scalarTextOf is text for a scalar passed as its parts.
func scalarTextOf(k Kind, str, fold string, cased bool) (string, bool) {
	switch k {
	case KindString, KindNumber, KindBool:
		if cased {
			return str, true
		}
		return fold, true
	}
	return "", false
}

// matchValue applies m to the scalar v.
func matchValue(m valueMatcher, v *Value) bool { return m.match(v.Kind, v.Str, v.Fold) }

// leafMatcher adapts a matcher to the Event.Keywords callback.
type leafMatcher struct{ m valueMatcher }

func (l leafMatcher) leaf(v *Value) bool { return l.m.match(v.Kind, v.Str, v.Fold) }

// asciiOnly reports whether s has no bytes above 0x7f.
func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
