package sigma

// Kind is the JSON type of an event value.
type Kind uint8

// Event value kinds.
const (
	KindMissing Kind = iota // the event has no such field
	KindNull
	KindString
	KindNumber
	KindBool
	KindArray
	KindObject
)

// Value is one event value as the matchers see it. It is a small struct passed
// by value; the strings and slices it holds belong to the Event it came from.
type Value struct {
	Kind Kind
	// Str is the string for KindString; for KindNumber the number's canonical
	// text (sigma-rules.md §5.2); for KindBool "true" or "false".
	Str string
	// Fold is strings.ToLower(Str), computed once per event per value; it
	// equals Str when Str has no upper-case letters.
	Fold string
	// Items holds the members of a KindArray value.
	Items []Value
	// Raw is the value's JSON text as it appeared in the event (nil for
	// values synthesised from non-JSON events). Used to echo event values
	// into results with their original type and key order.
	Raw []byte
}

// Missing reports whether the event lacks the field.
func (v Value) Missing() bool { return v.Kind == KindMissing }

// Number returns v as a number when detection matching would compare it as
// one (sigma-rules.md §5.3): a JSON number, or a string holding a strict
// decimal (optional sign, digits, fraction, exponent; no surrounding spaces,
// hex, NaN or Inf, so " 4624" and "0x1210" are not numbers). ok is false for
// every other value, including numbers beyond the float64 range.
func (v Value) Number() (f float64, ok bool) {
	if v.Kind != KindNumber && v.Kind != KindString {
		return 0, false
	}
	var n RuleValue
	if !parseDecimalInto(v.Str, &n) {
		return 0, false
	}
	return n.Float, true
}
