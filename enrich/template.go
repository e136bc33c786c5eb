package enrich

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// template is a string with `${…}` references, parsed and validated at load.
type template struct {
	parts []tplPart
}

type tplPart struct {
	lit  string
	ref  []string // namespace path, e.g. [detection rule id]; nil for literals and env
	env  string   // ${ENV_VAR}
	kind int      // 0 literal, 1 variable, 2 env
}

var refPattern = regexp.MustCompile(`\$\{([^}]*)\}`)
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// parseTemplate parses text for an enricher of kind k. A reference into the
// other kind's namespace, or an unknown variable, is an error naming it.
func parseTemplate(text string, k Kind) (*template, error) {
	t := &template{}
	last := 0
	for _, m := range refPattern.FindAllStringSubmatchIndex(text, -1) {
		if m[0] > last {
			t.parts = append(t.parts, tplPart{lit: text[last:m[0]]})
		}
		last = m[1]
		name := text[m[2]:m[3]]
		if envName.MatchString(name) {
			t.parts = append(t.parts, tplPart{env: name, kind: 2})
			continue
		}
		path := strings.Split(name, ".")
		if err := checkVariable(path, k); err != nil {
			return nil, fmt.Errorf("${%s}: %v", name, err)
		}
		t.parts = append(t.parts, tplPart{ref: path, kind: 1})
	}
	if last < len(text) {
		t.parts = append(t.parts, tplPart{lit: text[last:]})
	}
	return t, nil
}

func checkVariable(path []string, k Kind) error {
	ns := path[0]
	if ns != string(Detection) && ns != string(Correlation) {
		return fmt.Errorf("malformed template variable (expected ${%s.…} or ${ENV_VAR})", k)
	}
	if ns != string(k) {
		return fmt.Errorf("wrong namespace: a kind %s enricher may only reference ${%s.…}", k, k)
	}
	rest := path[1:]
	ok := false
	switch {
	case len(rest) == 2 && rest[0] == "rule":
		ok = rest[1] == "title" || rest[1] == "id" || rest[1] == "level"
	case len(rest) == 1 && rest[0] == "tags":
		ok = true
	case k == Detection && len(rest) >= 2 && (rest[0] == "fields" || rest[0] == "event"):
		ok = true
	case k == Correlation && len(rest) == 1:
		ok = rest[0] == "type" || rest[0] == "aggregated_value" || rest[0] == "timespan_secs" || rest[0] == "group_key"
	case k == Correlation && len(rest) >= 2 && rest[0] == "group_key":
		ok = true
	}
	if !ok {
		return fmt.Errorf("unknown template variable")
	}
	return nil
}

// static reports whether the template has no references at all.
func (t *template) static() bool {
	for _, p := range t.parts {
		if p.kind != 0 {
			return false
		}
	}
	return true
}

// render expands the template for tg; escape (optional) is applied to
// every substituted value (not to literals).
func (t *template) render(tg *Target, escape func(string) string) string {
	var b strings.Builder
	for _, p := range t.parts {
		var v string
		switch p.kind {
		case 0:
			b.WriteString(p.lit)
			continue
		case 1:
			v = tg.lookup(p.ref[1:])
		case 2:
			v = os.Getenv(p.env)
		}
		if escape != nil {
			v = escape(v)
		}
		b.WriteString(v)
	}
	return b.String()
}

// lookup returns the text of a namespace variable ("" when absent).
func (tg *Target) lookup(path []string) string {
	switch path[0] {
	case "rule":
		switch path[1] {
		case "title":
			return tg.Title
		case "id":
			return tg.ID
		case "level":
			return tg.Level
		}
	case "tags":
		return strings.Join(tg.Tags, ",")
	case "fields":
		name := strings.Join(path[1:], ".")
		for _, f := range tg.Fields {
			if f.Name == name {
				return f.Text
			}
		}
	case "event":
		return eventPath(tg.Event, path[1:])
	case "type":
		return tg.CorrelationType
	case "aggregated_value":
		return strconv.FormatFloat(tg.AggregatedValue, 'f', -1, 64)
	case "timespan_secs":
		return strconv.FormatInt(tg.TimespanSecs, 10)
	case "group_key":
		if len(path) == 1 {
			parts := make([]string, len(tg.GroupKey))
			for i, kv := range tg.GroupKey {
				parts[i] = kv[0] + "=" + kv[1]
			}
			return strings.Join(parts, ",")
		}
		name := strings.Join(path[1:], ".")
		for _, kv := range tg.GroupKey {
			if kv[0] == name {
				return kv[1]
			}
		}
	}
	return ""
}

// eventPath reads a dotted path from raw JSON (flat key first).
func eventPath(raw []byte, path []string) string {
	if raw == nil {
		return ""
	}
	var root any
	if err := json.Unmarshal(raw, &root); err != nil {
		return ""
	}
	if m, ok := root.(map[string]any); ok {
		if v, ok := m[strings.Join(path, ".")]; ok {
			return text(v)
		}
	}
	node := root
	for _, p := range path {
		m, ok := node.(map[string]any)
		if !ok {
			return ""
		}
		if node, ok = m[p]; !ok {
			return ""
		}
	}
	return text(node)
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
