package sigma

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
)

// testEvent is a test-only Event over a decoded JSON document (numbers kept as
// json.Number). It follows the Event contract: flat key first, then the dotted
// path with fan-out over arrays; Fold is the lower-cased Str.
type testEvent struct {
	root   map[string]any
	cache  map[string]Value
	leaves []Value
}

func newTestEvent(t testing.TB, js string) *testEvent {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(js)))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("bad test event %s: %v", js, err)
	}
	e := &testEvent{root: root, cache: map[string]Value{}}
	teWalkLeaves(root, func(v *Value) bool {
		e.leaves = append(e.leaves, *v)
		return false
	})
	return e
}

// Field answers from a per-event cache (the lookup below is slow).
func (e *testEvent) Field(f *Field) Value {
	if v, ok := e.cache[f.Name]; ok {
		return v
	}
	v := e.lookup(f)
	e.cache[f.Name] = v
	return v
}

func (e *testEvent) lookup(f *Field) Value {
	if v, ok := e.root[f.Name]; ok {
		return teValue(v)
	}
	var hits []any
	teCollectPath(e.root, f.Path, &hits)
	switch len(hits) {
	case 0:
		return Value{}
	case 1:
		return teValue(hits[0])
	}
	return teValue(hits)
}

func teCollectPath(node any, path []string, hits *[]any) {
	if len(path) == 0 {
		*hits = append(*hits, node)
		return
	}
	switch n := node.(type) {
	case map[string]any:
		if child, ok := n[path[0]]; ok {
			teCollectPath(child, path[1:], hits)
		}
	case []any:
		for _, item := range n {
			teCollectPath(item, path, hits)
		}
	}
}

func teValue(v any) Value {
	switch x := v.(type) {
	case nil:
		return Value{Kind: KindNull}
	case string:
		return Value{Kind: KindString, Str: x, Fold: strings.ToLower(x)}
	case json.Number:
		s := teCanonical(string(x))
		return Value{Kind: KindNumber, Str: s, Fold: s}
	case bool:
		s := "false"
		if x {
			s = "true"
		}
		return Value{Kind: KindBool, Str: s, Fold: s}
	case []any:
		items := make([]Value, len(x))
		for i, it := range x {
			items[i] = teValue(it)
		}
		return Value{Kind: KindArray, Items: items}
	case map[string]any:
		return Value{Kind: KindObject}
	}
	return Value{}
}

// teCanonical renders integral numbers without fraction (4624.0 → 4624),
// as sigma-rules.md §5.2 requires of event implementations.
func teCanonical(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return strconv.FormatInt(i, 10)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e18 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func (e *testEvent) JSONView() *JSONEvent { return nil }

func (e *testEvent) Keywords(fn func(v *Value) bool) bool {
	for i := range e.leaves {
		if fn(&e.leaves[i]) {
			return true
		}
	}
	return false
}

func teWalkLeaves(node any, fn func(v *Value) bool) bool {
	switch n := node.(type) {
	case string:
		v := teValue(n)
		return fn(&v)
	case map[string]any:
		for _, c := range n {
			if teWalkLeaves(c, fn) {
				return true
			}
		}
	case []any:
		for _, c := range n {
			if teWalkLeaves(c, fn) {
				return true
			}
		}
	}
	return false
}
