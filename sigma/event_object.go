package sigma

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// ObjectEvent is an Event over an already decoded JSON value: map[string]any,
// []any, string, json.Number (as decoded with UseNumber), bool, nil; float64
// and the Go integer types are accepted too. It follows the same lookup rules
// as JSONEvent (sigma-rules.md §4.3) and is the reference the fast path is
// tested against. Values are computed once per field and cached.
type ObjectEvent struct {
	root   any
	cache  map[*Field]Value
	leaves []Value
	walked bool
}

// NewObjectEvent wraps v, which must not be modified while the event is used.
func NewObjectEvent(v any) *ObjectEvent {
	return &ObjectEvent{root: v}
}

// Field implements Event.
func (e *ObjectEvent) Field(f *Field) Value {
	if v, ok := e.cache[f]; ok {
		return v
	}
	v := e.lookup(f)
	if e.cache == nil {
		e.cache = make(map[*Field]Value)
	}
	e.cache[f] = v
	return v
}

func (e *ObjectEvent) lookup(f *Field) Value {
	if m, ok := e.root.(map[string]any); ok && len(f.Path) > 1 {
		if v, ok := m[f.Name]; ok {
			return objectValue(v)
		}
	}
	hits := collectObjectPath(e.root, f.Path, nil)
	switch len(hits) {
	case 0:
		return Value{}
	case 1:
		return objectValue(hits[0])
	}
	items := make([]Value, len(hits))
	for i, h := range hits {
		items[i] = objectValue(h)
	}
	return Value{Kind: KindArray, Items: items}
}

func collectObjectPath(v any, path []string, out []any) []any {
	if len(path) == 0 {
		return append(out, v)
	}
	switch t := v.(type) {
	case map[string]any:
		if c, ok := t[path[0]]; ok {
			return collectObjectPath(c, path[1:], out)
		}
	case []any:
		for _, el := range t {
			out = collectObjectPath(el, path, out)
		}
	}
	return out
}

// Keywords implements Event: every string leaf, object members visited in
// key order so the order is deterministic.
// JSONView implements Event: an ObjectEvent has no raw JSON view.
func (e *ObjectEvent) JSONView() *JSONEvent { return nil }

func (e *ObjectEvent) Keywords(fn func(v *Value) bool) bool {
	if !e.walked {
		e.leaves = appendObjectLeaves(e.leaves[:0], e.root)
		e.walked = true
	}
	for i := range e.leaves {
		if fn(&e.leaves[i]) {
			return true
		}
	}
	return false
}

func appendObjectLeaves(out []Value, v any) []Value {
	switch t := v.(type) {
	case string:
		out = append(out, objectValue(t))
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = appendObjectLeaves(out, t[k])
		}
	case []any:
		for _, el := range t {
			out = appendObjectLeaves(out, el)
		}
	}
	return out
}

// objectValue converts one decoded JSON value. Numbers keep their literal
// as Raw; objects get Raw by encoding (keys in sorted order).
func objectValue(v any) Value {
	switch t := v.(type) {
	case nil:
		return Value{Kind: KindNull, Raw: []byte("null")}
	case string:
		return Value{Kind: KindString, Str: t, Fold: foldString(t)}
	case json.Number:
		s := canonicalNumber(t.String())
		return Value{Kind: KindNumber, Str: s, Fold: foldString(s), Raw: []byte(t.String())}
	case bool:
		s := strconv.FormatBool(t)
		return Value{Kind: KindBool, Str: s, Fold: s, Raw: []byte(s)}
	case []any:
		items := make([]Value, len(t))
		for i, el := range t {
			items[i] = objectValue(el)
		}
		return Value{Kind: KindArray, Items: items}
	case map[string]any:
		raw, err := json.Marshal(t)
		if err != nil {
			raw = []byte("{}")
		}
		return Value{Kind: KindObject, Raw: raw}
	}
	return goNumberValue(v)
}

// goNumberValue handles numbers decoded without UseNumber or built in Go.
func goNumberValue(v any) Value {
	var lit string
	switch t := v.(type) {
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			lit = strconv.FormatFloat(t, 'g', -1, 64)
			return Value{Kind: KindString, Str: lit, Fold: foldString(lit)}
		}
		lit = strconv.FormatFloat(t, 'f', -1, 64)
		if lit == "-0" {
			lit = "0"
		}
	case float32:
		return goNumberValue(float64(t))
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		lit = fmt.Sprint(t)
	default:
		s := fmt.Sprint(t)
		return Value{Kind: KindString, Str: s, Fold: foldString(s)}
	}
	return Value{Kind: KindNumber, Str: lit, Fold: lit, Raw: []byte(lit)}
}
