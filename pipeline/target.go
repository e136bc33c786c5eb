package pipeline

import (
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// target is what one pipeline pass rewrites: a detection rule or a
// correlation document, together with that (pipeline, rule) pair's state.
type target struct {
	rule  *sigma.Rule        // nil for correlation documents
	corr  *correlationTarget // nil for detection rules
	state *state
	// undefined collects, across the pipelines of one rule, the `%name%`
	// placeholders value_placeholders met in values without `|expand` and
	// found no var for.
	undefined map[string]bool
}

// state is per (pipeline, rule): the pipeline's vars, set_state values and
// the ids of items that fired (pipelines.md §2.1).
type state struct {
	vars        map[string][]string
	kv          map[string]string
	applied     map[string]bool
	itemApplied map[*sigma.Item]map[string]bool
}

func newState(vars map[string][]string) *state {
	return &state{vars: vars, kv: map[string]string{}, applied: map[string]bool{},
		itemApplied: map[*sigma.Item]map[string]bool{}}
}

func (s *state) markItem(it *sigma.Item, id string) {
	if id == "" {
		return
	}
	m := s.itemApplied[it]
	if m == nil {
		m = map[string]bool{}
		s.itemApplied[it] = m
	}
	m[id] = true
}

// inherit copies the per-item markers of from onto a derived item.
func (s *state) inherit(to, from *sigma.Item) {
	for id := range s.itemApplied[from] {
		s.markItem(to, id)
	}
}

// eachItem calls fn for every detection item of the rule, with the group and
// search holding it.
func eachItem(r *sigma.Rule, fn func(s *sigma.Search, g *sigma.Group, it *sigma.Item) error) error {
	if r == nil || r.Detection == nil {
		return nil
	}
	for _, s := range r.Detection.Searches {
		for _, g := range s.Groups {
			for _, it := range g.Items {
				if err := fn(s, g, it); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// plainText is the comparison text of a rule value for conditions: strings
// without Sigma escapes, numbers and bools by their literal, null as "null".
func plainText(v *sigma.RuleValue) string {
	switch v.Kind {
	case sigma.RuleNull:
		return "null"
	case sigma.RuleString:
		parts := sigma.ParseSigmaString(v.Text, false)
		var b strings.Builder
		for _, p := range parts {
			switch p.Kind {
			case sigma.PartStar:
				b.WriteByte('*')
			case sigma.PartQuestion:
				b.WriteByte('?')
			default:
				b.WriteString(p.Text)
			}
		}
		return b.String()
	}
	return v.Text
}

func hasModifier(it *sigma.Item, name string) bool {
	for _, m := range it.Modifiers {
		if m == name {
			return true
		}
	}
	return false
}
