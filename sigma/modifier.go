package sigma

import (
	"errors"
	"fmt"
)

// modifierClass groups modifiers for the conflict rules of sigma-rules.md §7.2.
type modifierClass uint8

const (
	classOperator modifierClass = iota + 1
	classTransform
	classFlag
	classRegexFlag
)

// modifierClasses maps every accepted modifier name (and alias) to its class.
var modifierClasses = map[string]modifierClass{
	"contains": classOperator, "startswith": classOperator, "endswith": classOperator,
	"re": classOperator, "cidr": classOperator, "exists": classOperator, "fieldref": classOperator,
	"gt": classOperator, "gte": classOperator, "lt": classOperator, "lte": classOperator,
	"minute": classOperator, "hour": classOperator, "day": classOperator, "week": classOperator,
	"month": classOperator, "year": classOperator,
	"base64": classTransform, "base64offset": classTransform, "wide": classTransform,
	"utf16le": classTransform, "utf16be": classTransform, "utf16": classTransform,
	"windash": classTransform, "expand": classTransform,
	"all": classFlag, "cased": classFlag, "neq": classFlag,
	"i": classRegexFlag, "ignorecase": classRegexFlag, "m": classRegexFlag, "multiline": classRegexFlag,
	"s": classRegexFlag, "dotall": classRegexFlag,
}

// modifiers is the validated modifier list of one detection item.
type modifiers struct {
	op         string   // operator modifier, "" for equality
	transforms []string // value transforms in written order (wide normalised to utf16le)
	all        bool
	cased      bool
	neq        bool
	expand     bool
	reFlags    string // subset of "ims"
}

// parseModifiers validates a modifier list and sorts it into operator,
// transforms and flags.
func parseModifiers(names []string) (*modifiers, error) {
	m := &modifiers{}
	utf16Count := 0
	for _, name := range names {
		class, ok := modifierClasses[name]
		switch {
		case name == "not":
			return nil, errors.New(`"not" is not a modifier: negation belongs in the condition (not selection)`)
		case !ok:
			return nil, fmt.Errorf("unknown modifier %q", name)
		}
		switch class {
		case classOperator:
			if m.op != "" {
				return nil, fmt.Errorf("conflicting operator modifiers %q and %q", m.op, name)
			}
			m.op = name
		case classTransform:
			switch name {
			case "wide":
				name = "utf16le"
				fallthrough
			case "utf16le", "utf16be", "utf16":
				utf16Count++
			case "expand":
				m.expand = true
				continue
			}
			m.transforms = append(m.transforms, name)
		case classFlag:
			switch name {
			case "all":
				m.all = true
			case "cased":
				m.cased = true
			case "neq":
				m.neq = true
			}
		case classRegexFlag:
			m.reFlags += name[:1]
		}
	}
	return m, m.check(utf16Count)
}

// check applies the conflict rules that involve several modifiers.
func (m *modifiers) check(utf16Count int) error {
	if utf16Count > 1 {
		return errors.New("more than one of the UTF-16 modifiers wide/utf16le, utf16be, utf16")
	}
	if m.has("base64") && m.has("base64offset") {
		return errors.New("base64 and base64offset cannot be combined")
	}
	if m.reFlags != "" && m.op != "re" {
		return errors.New("regex flag modifiers i/m/s require the re modifier")
	}
	switch m.op {
	case "", "contains", "startswith", "endswith":
	default:
		if len(m.transforms) > 0 || m.expand {
			t := "expand"
			if len(m.transforms) > 0 {
				t = m.transforms[0]
			}
			return fmt.Errorf("value transform %q cannot be combined with %q", t, m.op)
		}
	}
	return nil
}

func (m *modifiers) has(name string) bool {
	for _, t := range m.transforms {
		if t == name {
			return true
		}
	}
	return false
}

// isDatePart reports whether op extracts a date part.
func isDatePart(op string) bool {
	switch op {
	case "minute", "hour", "day", "week", "month", "year":
		return true
	}
	return false
}

func isNumericCmp(op string) bool {
	switch op {
	case "gt", "gte", "lt", "lte":
		return true
	}
	return false
}
