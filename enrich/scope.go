package enrich

import (
	"fmt"
	"path"
	"strings"
)

type rawScope struct {
	Rules  []string `yaml:"rules"`
	Tags   []string `yaml:"tags"`
	Levels []string `yaml:"levels"`
}

// scope restricts an enricher to some results; axes are AND-ed and an
// empty axis does not filter.
type scope struct {
	rules, tags, levels []string
}

var levels = map[string]bool{"informational": true, "low": true, "medium": true, "high": true, "critical": true}

func (r *rawScope) compile() (scope, error) {
	if r == nil {
		return scope{}, nil
	}
	for _, g := range append(append([]string(nil), r.Rules...), r.Tags...) {
		if _, err := path.Match(g, ""); err != nil || g == "" {
			return scope{}, fmt.Errorf("invalid pattern %q", g)
		}
	}
	var lv []string
	for _, l := range r.Levels {
		l = strings.ToLower(l)
		if !levels[l] {
			return scope{}, fmt.Errorf("levels: unknown level %q", l)
		}
		lv = append(lv, l)
	}
	return scope{rules: r.Rules, tags: r.Tags, levels: lv}, nil
}

func (s *scope) admits(t *Target) bool {
	if len(s.rules) > 0 && !anyMatch(s.rules, func(p string) bool {
		return p == t.ID || globMatch(p, t.Title)
	}) {
		return false
	}
	if len(s.tags) > 0 && !anyMatch(s.tags, func(p string) bool {
		for _, tag := range t.Tags {
			if p == tag || (strings.HasSuffix(p, "*") && strings.HasPrefix(tag, strings.TrimSuffix(p, "*"))) {
				return true
			}
		}
		return false
	}) {
		return false
	}
	if len(s.levels) > 0 && !anyMatch(s.levels, func(l string) bool { return strings.EqualFold(l, t.Level) }) {
		return false
	}
	return true
}

// globMatch matches a title glob where `*` also crosses `/`.
func globMatch(pattern, s string) bool {
	ok, _ := path.Match(strings.ReplaceAll(pattern, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00"))
	return ok
}

func anyMatch(list []string, f func(string) bool) bool {
	for _, x := range list {
		if f(x) {
			return true
		}
	}
	return false
}
