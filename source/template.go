package source

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Snapshot is an immutable view of resolved source values, used to expand
// `${source.<id>[.path]}` references while one rule load runs.
type Snapshot struct {
	entries map[string]entry
}

type entry struct {
	value  any
	source *Source
}

// NewSnapshot builds a snapshot from fixed values (tests, tools). Sources
// default to type file.
func NewSnapshot(values map[string]any) *Snapshot {
	s := &Snapshot{entries: map[string]entry{}}
	for id, v := range values {
		s.entries[id] = entry{value: normalize(v), source: &Source{ID: id, Type: TypeFile}}
	}
	return s
}

// Value returns the value of source id and its declaration.
func (s *Snapshot) Value(id string) (any, *Source, bool) {
	if s == nil {
		return nil, nil, false
	}
	e, ok := s.entries[id]
	return e.value, e.source, ok
}

var refRE = regexp.MustCompile(`\$\{source\.([A-Za-z0-9_\-]+)((?:\.[^.}]+)*)\}`)

// HasReference reports whether text contains a ${source.…} reference.
func HasReference(text string) bool { return refRE.MatchString(text) }

// Lookup resolves one whole-value reference "${source.id.a.b}" and returns
// the value with the declaration of its source.
func (s *Snapshot) Lookup(ref string) (any, *Source, error) {
	m := refRE.FindStringSubmatch(strings.TrimSpace(ref))
	if m == nil || len(m[0]) != len(strings.TrimSpace(ref)) {
		return nil, nil, fmt.Errorf("expected a ${source.<id>} reference, got %q", ref)
	}
	v, src, err := s.resolve(m[1], m[2])
	return v, src, err
}

func (s *Snapshot) resolve(id, path string) (any, *Source, error) {
	v, src, ok := s.Value(id)
	if !ok {
		return nil, nil, fmt.Errorf("${source.%s}: unknown or unresolved dynamic source %q", id, id)
	}
	if path == "" {
		return v, src, nil
	}
	for _, step := range strings.Split(path[1:], ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[step]
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(x) {
				return nil, src, fmt.Errorf("${source.%s%s}: no element %q", id, path, step)
			}
			v = x[i]
		default:
			return nil, src, fmt.Errorf("${source.%s%s}: cannot descend into %q", id, path, step)
		}
	}
	return v, src, nil
}

// ExpandVar expands a `vars:` entry. A whole-value reference to an array
// yields one value per element (null yields none); any other reference is
// substituted inline with the stringified value.
func (s *Snapshot) ExpandVar(text string) ([]string, error) {
	if m := refRE.FindStringSubmatch(text); m != nil && len(m[0]) == len(text) {
		v, _, err := s.resolve(m[1], m[2])
		if err != nil {
			return nil, err
		}
		switch x := v.(type) {
		case nil:
			return []string{}, nil
		case []any:
			out := make([]string, 0, len(x))
			for _, e := range x {
				out = append(out, Stringify(e))
			}
			return out, nil
		}
		return []string{Stringify(v)}, nil
	}
	var firstErr error
	out := refRE.ReplaceAllStringFunc(text, func(ref string) string {
		m := refRE.FindStringSubmatch(ref)
		v, _, err := s.resolve(m[1], m[2])
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return Stringify(v)
	})
	return []string{out}, firstErr
}

// Stringify renders a source value as text: strings as is, integral
// numbers without a fraction, null as "", objects and arrays as JSON.
func Stringify(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
