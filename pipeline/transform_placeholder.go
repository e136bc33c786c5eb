package pipeline

import (
	"fmt"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// placeholders expands `%name%` placeholders (pipelines.md §7): from the
// pipeline vars (value_placeholders) or to a `*` wildcard
// (wildcard_placeholders). value_placeholders fills every Sigma string
// value, with or without `|expand`, as rsigma does (README, "Pipelines and placeholders");
// wildcard_placeholders touches `|expand` values only, so that literal
// text such as `%APPDATA%` in a plain value never turns into a wildcard.
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
		expand := hasModifier(di, "expand")
		if !expand && (ph.wildcard || rawOperator(di)) {
			return nil, false, nil
		}
		changed := false
		var out []*sigma.RuleValue
		for _, v := range di.Values {
			if v.Kind != sigma.RuleString {
				out = append(out, v)
				continue
			}
			var texts []string
			var did bool
			var err error
			if expand {
				texts, did, err = ph.expand(t.state.vars, v.Text)
			} else {
				texts, did, err = ph.fill(t, v.Text)
			}
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
		if out = crossJoin(out, alts); len(out) > maxBranches {
			return nil, false, fmt.Errorf("placeholder expansion creates more than %d values", maxBranches)
		}
	}
	return out, did, nil
}

// fill substitutes, in a value without `|expand`, every `%name%` whose
// name this item handles and the pipeline vars define; the rest of the
// text, other `%` signs included, stays literal. Handled names without a
// var are recorded on t for the per-rule warning. Several values of a var
// give the Cartesian product, as in expand.
func (ph *placeholders) fill(t *target, text string) ([]string, bool, error) {
	out := []string{""}
	did := false
	for _, part := range sigma.ParseSigmaString(text, false) {
		if part.Kind != sigma.PartLiteral {
			out = crossJoin(out, []string{sigma.FormatSigmaString([]sigma.StringPart{part}, false)})
			continue
		}
		for _, piece := range splitPlaceholders(part.Text) {
			alts := []string{sigma.FormatSigmaString([]sigma.StringPart{{Kind: sigma.PartLiteral, Text: piece.text}}, false)}
			if piece.name != "" && ph.handles(piece.name) {
				if vals, ok := t.state.vars[piece.name]; ok {
					alts, did = vals, true
				} else if t.undefined != nil {
					t.undefined[piece.name] = true
				}
			}
			if out = crossJoin(out, alts); len(out) > maxBranches {
				return nil, false, fmt.Errorf("placeholder expansion creates more than %d values", maxBranches)
			}
		}
	}
	return out, did, nil
}

// placeholderPiece is literal text, or a `%name%` placeholder when name is
// set (text is then the placeholder as written).
type placeholderPiece struct {
	text, name string
}

// splitPlaceholders cuts literal text at `%name%` placeholders, where name
// is a word (letters, digits, `_`), as pySigma recognises them; any other
// `%` is literal.
func splitPlaceholders(text string) []placeholderPiece {
	var out []placeholderPiece
	last := 0
	for i := 0; i < len(text); i++ {
		if text[i] != '%' {
			continue
		}
		end := strings.IndexByte(text[i+1:], '%')
		if end <= 0 || !isPlaceholderName(text[i+1:i+1+end]) {
			continue
		}
		if i > last {
			out = append(out, placeholderPiece{text: text[last:i]})
		}
		name := text[i+1 : i+1+end]
		out = append(out, placeholderPiece{text: "%" + name + "%", name: name})
		i += end + 1
		last = i + 1
	}
	if last < len(text) {
		out = append(out, placeholderPiece{text: text[last:]})
	}
	return out
}

func isPlaceholderName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '_' && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') && !('0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

// crossJoin appends every alternative to every prefix.
func crossJoin(prefixes, alts []string) []string {
	next := make([]string, 0, len(prefixes)*len(alts))
	for _, prefix := range prefixes {
		for _, a := range alts {
			next = append(next, prefix+a)
		}
	}
	return next
}
