package blockyaml

import "strings"

// stringTable hands out one shared copy of each short string that one
// loading goroutine reads: mapping keys (field names with modifiers) and
// plain scalars (logsource values, levels, tags, ...) repeat from rule to
// rule. Sharing them saves an allocation per repeat and keeps one copy alive
// instead of one per rule. Quoted and block scalars, mostly distinct
// detection values and texts, are copied without a lookup: measured on the
// SigmaHQ corpus, sharing them too cost 12% more load time for 0.6 MB.
// A nil table copies every string.
type stringTable map[string]string

// maxShared is the length above which strings are copied, not shared:
// titles, descriptions and long values rarely repeat.
const maxShared = 64

// text returns a copy of s (which may point into a file's text) that is
// safe to keep.
func (t stringTable) text(s string) string {
	if t == nil || len(s) > maxShared {
		return strings.Clone(s)
	}
	if shared, ok := t[s]; ok {
		return shared
	}
	s = strings.Clone(s)
	t[s] = s
	return s
}
