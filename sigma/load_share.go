package sigma

import "sync"

// ruleTexts keeps one copy of each rule text that repeats from rule to
// rule in one load: titles, descriptions, references, authors, false
// positives, tags and the YAML paths of detection items. The YAML reader
// shares only short plain scalars, per loading goroutine (blockyaml's
// stringTable); these texts are longer, or quoted, or made by the loader
// (item paths), and a large rule set repeats them in every copy of a rule
// (one per tenant, per environment). Ids and detection values, which
// rarely repeat, are left alone. Measured on the SigmaHQ corpus grown 10
// times: the compiled engine keeps 13 MB less (240 -> 227 MB live).
//
// Strings are immutable, so sharing them changes nothing a caller can
// see; slices are not shared, since filters and pipelines rewrite them.
// The loading goroutines share one table; the zero value is ready to use.
type ruleTexts struct {
	mu     sync.Mutex
	shared map[string]string
}

// share replaces the repeating texts of r by their shared copies.
func (t *ruleTexts) share(r *Rule) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.shared == nil {
		t.shared = map[string]string{}
	}
	for _, s := range []*string{&r.Title, &r.Description, &r.Author, &r.Date, &r.Modified,
		&r.License, &r.Status, &r.Level, &r.Taxonomy} {
		*s = t.text(*s)
	}
	for _, list := range [][]string{r.Tags, r.References, r.FalsePositives, r.Fields, r.Warnings} {
		for i, s := range list {
			list[i] = t.text(s)
		}
	}
	if r.Detection == nil {
		return
	}
	for _, s := range r.Detection.Searches {
		for _, g := range s.Groups {
			for _, it := range g.Items {
				it.Path = t.text(it.Path)
			}
		}
	}
}

// text returns the shared copy of s, which becomes it when s is new.
func (t *ruleTexts) text(s string) string {
	if s == "" {
		return s
	}
	if shared, ok := t.shared[s]; ok {
		return shared
	}
	t.shared[s] = s
	return s
}
