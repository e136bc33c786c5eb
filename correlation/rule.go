package correlation

import (
	"time"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// Rule is one parsed correlation rule: the mutable model that processing
// pipelines may rewrite (GroupBy, Aliases targets, Condition.Fields,
// CustomAttributes) before Compile.
type Rule struct {
	// File is the file the rule was loaded from; DocIndex its 1-based
	// document position there.
	File     string
	DocIndex int

	Title, ID, Name, Status, Description, Level string // Level "" when unset
	Author                                      string
	Tags                                        []string
	// CustomAttributes holds unknown top-level keys followed by the
	// `custom_attributes:` mapping (an explicit entry replaces a same-named
	// top-level key), in YAML order.
	CustomAttributes []sigma.Attribute

	Type Type
	// Refs are the `rules:` entries as written (ids or names).
	Refs []string
	// GroupBy lists field or alias names; empty means one global group.
	GroupBy   []string
	Timespan  time.Duration
	Condition Condition
	Aliases   []Alias
	// Generate is the rule's `generate` flag (correlation.md §9.1).
	Generate bool

	// Window is the window mode; Gap is set for WindowSession only.
	Window WindowMode
	Gap    time.Duration

	// windowText and gapText are correlation.window / correlation.gap.
	windowText, gapText string

	// Warnings lists non-fatal problems found while parsing.
	Warnings []string
}

// Alias maps one alias name to the field it stands for in the events of each
// referenced rule (correlation.md §7.2).
type Alias struct {
	Name string
	// Fields maps a rule reference (as written) to a field name, in YAML order.
	Fields []AliasField
}

// AliasField is one `<rule reference>: <field>` entry of an alias.
type AliasField struct{ Ref, Field string }

// WindowMode selects how a group's window moves (correlation.md §6).
type WindowMode uint8

// Window modes; WindowSliding is the default and the only one in the spec.
const (
	WindowSliding WindowMode = iota
	WindowTumbling
	WindowSession
)

// StableKey identifies the rule across reloads and in snapshots: its id,
// else its name, else its title.
func (r *Rule) StableKey() string {
	switch {
	case r.ID != "":
		return r.ID
	case r.Name != "":
		return r.Name
	}
	return r.Title
}

// displayName names the rule in error messages.
func (r *Rule) displayName() string {
	if r.Title != "" {
		return r.Title
	}
	if r.ID != "" {
		return r.ID
	}
	return r.Name
}

// CustomAttribute returns the value of the named custom attribute.
func (r *Rule) CustomAttribute(key string) (any, bool) {
	return sigma.LookupAttribute(r.CustomAttributes, key)
}

// SetCustomAttribute sets key to value, replacing an existing entry in place
// or appending a new one.
func (r *Rule) SetCustomAttribute(key string, value any) {
	r.CustomAttributes = sigma.SetAttribute(r.CustomAttributes, key, value)
}
