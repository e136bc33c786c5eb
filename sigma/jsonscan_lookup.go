package sigma

// The slow-path resolver: answers a field that the single-pass extractor did
// not plan for (an ad-hoc Field, a field from another table, or a document
// that repeats a key) by walking the already validated bytes. It implements
// the same rules as the extractor (sigma-rules.md §4.3): the whole dotted name
// as a key of the root object wins; otherwise the path is walked with fan-out
// over arrays. When an object repeats a key the last occurrence wins, as in
// encoding/json.

// resolveSpans appends the spans of f's terminal values in the document b
// (which must be valid JSON) to out. A literal root-key match yields exactly
// one span.
func resolveSpans(b []byte, f *Field, out []valueSpan, scratch *[]byte) []valueSpan {
	i := skipSpace(b, 0)
	if len(f.Path) > 1 && i < len(b) && b[i] == '{' {
		if sp, ok := findMember(b, i, f.Name, scratch); ok {
			return append(out, sp)
		}
	}
	return collectPath(b, i, f.Path, out, scratch)
}

func collectPath(b []byte, i int, path []string, out []valueSpan, scratch *[]byte) []valueSpan {
	if len(path) == 0 {
		end, _ := skipValue(b, i, 0)
		return append(out, valueSpan{int32(i), int32(end)})
	}
	switch b[i] {
	case '{':
		if sp, ok := findMember(b, i, path[0], scratch); ok {
			return collectPath(b, int(sp.start), path[1:], out, scratch)
		}
	case '[':
		forEachElement(b, i, func(start, _ int) {
			out = collectPath(b, start, path, out, scratch)
		})
	}
	return out
}

// findMember returns the span of the last member named key in the valid
// object at b[i] == '{'.
func findMember(b []byte, i int, key string, scratch *[]byte) (valueSpan, bool) {
	var found valueSpan
	ok := false
	i = skipSpace(b, i+1)
	if b[i] == '}' {
		return found, false
	}
	for {
		ke, esc, _ := scanString(b, i)
		name := b[i+1 : ke-1]
		if esc {
			*scratch = appendUnescaped((*scratch)[:0], name)
			name = *scratch
		}
		vs, _ := afterColon(b, ke)
		ve, _ := skipValue(b, vs, 0)
		if string(name) == key {
			found, ok = valueSpan{int32(vs), int32(ve)}, true
		}
		var done bool
		if i, done, _ = objectNext(b, ve); done {
			return found, ok
		}
	}
}

// forEachElement calls fn with the span of every element of the valid array
// at b[i] == '['.
func forEachElement(b []byte, i int, fn func(start, end int)) {
	i = skipSpace(b, i+1)
	if b[i] == ']' {
		return
	}
	for {
		end, _ := skipValue(b, i, 0)
		fn(i, end)
		var done bool
		if i, done, _ = arrayNext(b, end); done {
			return
		}
	}
}
