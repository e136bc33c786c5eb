package sigma

// valueMatcher tests one scalar event value (never an array: the item node
// fans out over array members). Implementations hold pre-lowered literals and
// must not allocate.
type valueMatcher interface {
	match(v *Value) bool
}

// text returns the string form string matchers compare against: the folded
// or exact text of strings, numbers (canonical text) and booleans. ok is false
// for null, objects, arrays and missing values.
func text(v *Value, cased bool) (string, bool) {
	switch v.Kind {
	case KindString, KindNumber, KindBool:
		if cased {
			return v.Str, true
		}
		return v.Fold, true
	}
	return "", false
}
