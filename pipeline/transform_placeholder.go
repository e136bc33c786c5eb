package pipeline

import (
	"fmt"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// placeholders expands `%name%` in values of `|expand` items
// (pipelines.md §7): from the pipeline vars (value_placeholders) or to a
// `*` wildcard (wildcard_placeholders).
type placeholders struct {
	include, exclude []string
	wildcard         bool
}

func newPlaceholders(wildcard bool) func(*params, int) (transformation, error) {
	return func(p *params, _ int) (transformation, error) {
		ph := &placeholders{wildcard: wildcard}
		var err error
		if ph.include, err = p.strings("include"); err != nil {
			return nil, err
		}
		if ph.exclude, err = p.strings("exclude"); err != nil {
			return nil, err
		}
		return ph, nil
	}
}

func (ph *placeholders) handles(name string) bool {
	if ph.include != nil && !containsString(ph.include, name) {
		return false
	}
	return !containsString(ph.exclude, name)
}

func (ph *placeholders) apply(t *target, item *Item) (bool, error) {
	return valueFunc(func(di *sigma.Item) ([]*sigma.RuleValue, bool, error) {
		if !hasModifier(di, "expand") {
			return nil, false, nil
		}
		changed := false
		var out []*sigma.RuleValue
		for _, v := range di.Values {
			if v.Kind != sigma.RuleString {
				out = append(out, v)
				continue
			}
			texts, did, err := ph.expand(t.state.vars, v.Text)
			if err != nil {
				return nil, false, err
			}
			if !did {
				out = append(out, v)
				continue
			}
			if len(texts) == 0 {
				return nil, false, fmt.Errorf("placeholders in %q expand to no values (empty pipeline var)", v.Text)
			}
			changed = true
			for _, s := range texts {
				out = append(out, sigma.StringValue(s))
			}
		}
		return out, changed, nil
	}).apply(t, item)
}

// expand returns the Cartesian product of substituting every handled
// placeholder of text. Variable values are Sigma strings (their wildcards
// stay wildcards); a literal `%` in them is escaped.
func (ph *placeholders) expand(vars map[string][]string, text string) ([]string, bool, error) {
	parts := sigma.ParseSigmaString(text, true)
	out := []string{""}
	did := false
	for _, part := range parts {
		var alts []string
		switch {
		case part.Kind != sigma.PartPlaceholder || !ph.handles(part.Text):
			alts = []string{sigma.FormatSigmaString([]sigma.StringPart{part}, true)}
		case ph.wildcard:
			alts, did = []string{"*"}, true
		default:
			vals, ok := vars[part.Text]
			if !ok {
				return nil, false, fmt.Errorf("unknown placeholder %%%s%% (no such pipeline var)", part.Text)
			}
			did = true
			for _, v := range vals {
				alts = append(alts, strings.ReplaceAll(v, "%", `\%`))
			}
		}
		next := make([]string, 0, len(out)*len(alts))
		for _, prefix := range out {
			for _, a := range alts {
				next = append(next, prefix+a)
			}
		}
		if len(next) > maxBranches {
			return nil, false, fmt.Errorf("placeholder expansion creates more than %d values", maxBranches)
		}
		out = next
	}
	return out, did, nil
}
