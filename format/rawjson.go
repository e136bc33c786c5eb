package format

import (
	"bytes"
	"encoding/json"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// Helpers over raw JSON text that has already been validated: they let
// filters return sub-values as the original bytes (key order and number
// literals preserved) instead of re-encoding decoded maps.

// isJSON uses sigma's validator: it accepts exactly what json.Valid accepts
// and is several times faster (it is on the per-event path).
func isJSON(b []byte) bool { return len(b) > 0 && sigma.ValidJSON(b) }

func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipValue returns the index just past the valid JSON value starting at i.
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	default: // number, true, false, null
		for i < len(b) && !bytes.ContainsRune([]byte(" \t\r\n,]}"), rune(b[i])) {
			i++
		}
		return i
	}
}

func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// objectMembers calls fn with each member of the object starting at i (key
// as decoded text, value bounds) until fn returns false.
func objectMembers(b []byte, i int, fn func(key string, start, end int) bool) {
	i = skipSpace(b, i+1)
	for i < len(b) && b[i] == '"' {
		kEnd := skipString(b, i)
		key := decodeKey(b[i:kEnd])
		i = skipSpace(b, kEnd)
		i = skipSpace(b, i+1) // ':'
		end := skipValue(b, i)
		if !fn(key, i, end) {
			return
		}
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
}

// arrayItems calls fn with the bounds of each item of the array starting at i.
func arrayItems(b []byte, i int, fn func(start, end int) bool) {
	i = skipSpace(b, i+1)
	for i < len(b) && b[i] != ']' {
		end := skipValue(b, i)
		if !fn(i, end) {
			return
		}
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
}

func decodeKey(quoted []byte) string {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return string(quoted[1 : len(quoted)-1])
	}
	var s string
	if json.Unmarshal(quoted, &s) != nil {
		return string(quoted[1 : len(quoted)-1])
	}
	return s
}

// pathStep is one element of a located path: a member name or an array
// index (negative counts from the end, as in jq).
type pathStep struct {
	name  string
	index int
	isKey bool
}

// locate returns the bounds of the value at path inside the JSON value b, or
// ok=false when the path does not exist.
func locate(b []byte, path []pathStep) (start, end int, ok bool) {
	start = skipSpace(b, 0)
	end = skipValue(b, start)
	for _, step := range path {
		found := false
		switch {
		case step.isKey && b[start] == '{':
			// Duplicate keys: the last one wins, as in encoding/json and gojq.
			objectMembers(b, start, func(key string, s, e int) bool {
				if key == step.name {
					start, end, found = s, e, true
				}
				return true
			})
		case !step.isKey && b[start] == '[':
			var items [][2]int
			arrayItems(b, start, func(s, e int) bool {
				items = append(items, [2]int{s, e})
				return true
			})
			idx := step.index
			if idx < 0 {
				idx += len(items)
			}
			if idx >= 0 && idx < len(items) {
				start, end, found = items[idx][0], items[idx][1], true
			}
		}
		if !found {
			return 0, 0, false
		}
	}
	return start, end, true
}
