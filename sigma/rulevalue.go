package sigma

import (
	"strconv"
	"strings"
)

// ValueKind is the Sigma type of a rule value (sigma-rules.md §5.1).
type ValueKind uint8

// Rule value kinds.
const (
	RuleString ValueKind = iota
	RuleNumber
	RuleBool
	RuleNull
)

// RuleValue is one value of a detection item as written in the rule.
type RuleValue struct {
	// Text is the value as it reached Sigma: for strings the text after YAML
	// unescaping but before Sigma wildcard/escape parsing; for numbers the
	// original literal (`0x17` stays `0x17`); for bools "true"/"false".
	Text string
	// Int and IsInt hold an integral number exactly; Float holds every number.
	Int   int64
	Float float64
	IsInt bool
	Kind  ValueKind // last, with IsInt: the struct packs into 40 bytes
}

// StringValue returns a string rule value with the given raw Sigma text.
func StringValue(text string) *RuleValue { return &RuleValue{Kind: RuleString, Text: text} }

// PartKind distinguishes the pieces of a parsed Sigma string.
type PartKind uint8

// String part kinds.
const (
	PartLiteral     PartKind = iota // literal text
	PartStar                        // `*`: any sequence, including newlines
	PartQuestion                    // `?`: exactly one character
	PartPlaceholder                 // `%name%` (only with the expand modifier)
)

// StringPart is one piece of a parsed Sigma string. Text is the literal text
// or the placeholder name.
type StringPart struct {
	Kind PartKind
	Text string
}

// ParseSigmaString splits a Sigma string into literals and wildcards following
// sigma-rules.md §6.1. With placeholders set, `%name%` becomes a placeholder
// and `\%` a literal percent sign (§6.2).
func ParseSigmaString(text string, placeholders bool) []StringPart {
	if !strings.ContainsAny(text, `\\*?%`) {
		if text == "" {
			return nil
		}
		return []StringPart{{Kind: PartLiteral, Text: text}} // nothing to parse
	}
	s := sigmaStringScan{text: text}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\\' && i+1 < len(text):
			next := text[i+1]
			if next == '*' || next == '?' || next == '\\' || (placeholders && next == '%') {
				s.escape(i)
				i++
			}
		case c == '*':
			s.special(i, i+1, StringPart{Kind: PartStar})
		case c == '?':
			s.special(i, i+1, StringPart{Kind: PartQuestion})
		case c == '%' && placeholders:
			end := strings.IndexByte(text[i+1:], '%')
			if end < 0 {
				continue
			}
			s.special(i, i+end+2, StringPart{Kind: PartPlaceholder, Text: text[i+1 : i+1+end]})
			i += end + 1
		}
	}
	s.flush(len(text))
	return s.parts
}

// sigmaStringScan collects the parts of a Sigma string. A literal is a
// slice of the text unless it contains an escape, which drops characters:
// then it is assembled in lit.
type sigmaStringScan struct {
	text    string
	parts   []StringPart
	start   int // where the current literal's unflushed text begins
	lit     strings.Builder
	escaped bool // lit holds the beginning of the current literal
}

// escape drops the backslash at i; the escaped character starts the rest
// of the literal.
func (s *sigmaStringScan) escape(i int) {
	s.lit.WriteString(s.text[s.start:i])
	s.escaped = true
	s.start = i + 1
}

// special ends the literal at i and adds p, which spans the text up to end.
func (s *sigmaStringScan) special(i, end int, p StringPart) {
	s.flush(i)
	s.parts = append(s.parts, p)
	s.start = end
}

// flush adds the literal ending at end, if any.
func (s *sigmaStringScan) flush(end int) {
	switch {
	case s.escaped:
		s.lit.WriteString(s.text[s.start:end])
		s.parts = append(s.parts, StringPart{Kind: PartLiteral, Text: s.lit.String()})
		s.lit.Reset()
		s.escaped = false
	case end > s.start:
		s.parts = append(s.parts, StringPart{Kind: PartLiteral, Text: s.text[s.start:end]})
	}
}

// FormatSigmaString is the inverse of ParseSigmaString: it renders parts as
// Sigma text that parses back to the same parts.
func FormatSigmaString(parts []StringPart, placeholders bool) string {
	var b strings.Builder
	for _, p := range parts {
		switch p.Kind {
		case PartStar:
			b.WriteByte('*')
		case PartQuestion:
			b.WriteByte('?')
		case PartPlaceholder:
			b.WriteString("%" + p.Text + "%")
		default:
			for i := 0; i < len(p.Text); i++ {
				c := p.Text[i]
				if c == '*' || c == '?' || c == '\\' || (placeholders && c == '%') {
					b.WriteByte('\\')
				}
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// numberValue builds a Number rule value from its literal text; ok is false
// when the text is not a number.
func numberValue(text string) (*RuleValue, bool) {
	if v, ok := parseDecimal(text); ok {
		v.Text = text
		return v, true
	}
	// YAML integer forms other than decimal: 0x.., 0o.., 0b.., with '_'.
	i, err := strconv.ParseInt(strings.ReplaceAll(text, "_", ""), 0, 64)
	if err != nil {
		return nil, false
	}
	return &RuleValue{Kind: RuleNumber, Text: text, Int: i, IsInt: true, Float: float64(i)}, true
}

// numericString parses rule text such as '100' for numeric modifiers.
func numericString(text string) (*RuleValue, bool) {
	n, ok := parseDecimal(text)
	if !ok {
		return nil, false
	}
	n.Text = text
	return n, true
}

// parseDecimal parses a strict decimal number (optional sign, digits,
// fraction, exponent; no hex, NaN, Inf, spaces or underscores) as used for
// event strings (sigma-rules.md §5.3). It does not allocate.
func parseDecimal(s string) (*RuleValue, bool) {
	var n RuleValue
	if !parseDecimalInto(s, &n) {
		return nil, false
	}
	n.Kind = RuleNumber
	return &n, true
}

// parseDecimalInto is the allocation-free core of parseDecimal.
func parseDecimalInto(s string, n *RuleValue) bool {
	if !isDecimal(s) {
		return false
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		n.Int, n.IsInt, n.Float = i, true, float64(i)
		return true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return false
	}
	n.Float, n.IsInt = f, false
	if f == float64(int64(f)) && f >= -9.2e18 && f <= 9.2e18 {
		n.Int, n.IsInt = int64(f), true
	}
	return true
}

// isDecimal reports whether s is [+-]digits[.digits][(e|E)[+-]digits] with at
// least one digit in the mantissa.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}
