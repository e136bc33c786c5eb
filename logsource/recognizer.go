package logsource

import (
	"fmt"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// Key identifies what an event reveals about its logsource: one interned
// set per dimension, meaningful only to the Recognizer that returned it.
// The zero Key reveals nothing. Keys are comparable.
type Key struct {
	product, service, category setID
}

// Unrecognized reports whether k reveals nothing.
func (k Key) Unrecognized() bool { return k == Key{} }

// complete reports whether every dimension is revealed.
func (k Key) complete() bool {
	return k.product != unknownSet && k.service != unknownSet && k.category != unknownSet
}

// fill sets each dimension of k that is unknown to that of other.
func (k Key) fill(other Key) Key {
	if k.product == unknownSet {
		k.product = other.product
	}
	if k.service == unknownSet {
		k.service = other.service
	}
	if k.category == unknownSet {
		k.category = other.category
	}
	return k
}

// Options configure a Recognizer.
type Options struct {
	// Field returns the *sigma.Field for a name the recognizer reads. Pass
	// the engine FieldTable's Intern (right after Compile) so JSONEvent
	// extracts those fields in its single pass; nil uses sigma.NewField,
	// which JSONEvent answers by a slower walk.
	Field func(name string) *sigma.Field
	// Declared are user-declared mappings (declare.go), tried in order
	// before anything else; the first that matches sets the dimensions it
	// declares.
	Declared []Mapping
}

// Recognizer maps events to Keys. It is immutable after New and safe for
// concurrent use.
type Recognizer struct {
	newField func(string) *sigma.Field
	fields   map[string]*sigma.Field

	products, services, categories setTable

	declared []compiledMapping
	explicit explicitFields
	windows  windowsIndex
	shapes   []mappingGroup
	ecs      ecsIndex
	// triggers are fields one of which an event must have for any source
	// to reveal something (triggers.go).
	triggers *sigma.FieldSet
}

// New returns a Recognizer for the builtin tables and o.Declared.
func New(o Options) *Recognizer {
	r := &Recognizer{
		newField:   o.Field,
		fields:     map[string]*sigma.Field{},
		products:   newSetTable(),
		services:   newSetTable(),
		categories: newSetTable(),
	}
	if r.newField == nil {
		r.newField = sigma.NewField
	}
	// The universe first: explicit tags are looked up in it.
	r.products.learn(catalogueProducts...)
	r.services.learn(catalogueServices...)
	r.categories.learn(catalogueCategories...)
	for _, m := range o.Declared {
		r.compileDeclared(m)
	}
	r.compileWindows(WindowsChannels)
	r.compileShapes(Shapes)
	r.compileECS()
	r.compileExplicit()
	r.compileTriggers()
	return r
}

func (r *Recognizer) compileDeclared(m Mapping) {
	r.declared = append(r.declared, r.compileMapping(m))
}

// field returns the recognizer's *sigma.Field for name, interning it once.
func (r *Recognizer) field(name string) *sigma.Field {
	if f, ok := r.fields[name]; ok {
		return f
	}
	f := r.newField(name)
	r.fields[name] = f
	return f
}

// intern returns the Key of a Recognized.
func (r *Recognizer) intern(l Recognized) Key {
	return Key{
		product:  r.products.intern(l.Product),
		service:  r.services.intern(l.Service),
		category: r.categories.intern(l.Category),
	}
}

// Recognize returns what ev reveals about its logsource. Sources are tried
// in this order, each filling only the dimensions still unknown: the first
// user-declared mapping that matches; the event's own `product`, `service`
// and `category` fields when they hold names this package knows (rsigma's
// event tags); then the content: a Windows channel, else (when the product
// is still unknown: shapes are what names it) the first builtin shape that
// matches, then ECS host.os.type and event.category.
func (r *Recognizer) Recognize(ev sigma.Event) Key {
	if je := ev.JSONView(); je != nil && !je.MayHaveAny(r.triggers) {
		return Key{} // triggers.go: no source can reveal anything
	}
	var k Key
	for i := range r.declared {
		if r.declared[i].matches(ev, nil) {
			k = r.declared[i].key
			break
		}
	}
	if !k.complete() {
		k = r.explicit.fill(ev, k)
	}
	if k.complete() {
		return k
	}
	if w, ok := r.windows.recognize(ev); ok {
		return k.fill(w)
	}
	if k.product == unknownSet {
		if s, ok := r.recognizeShape(ev); ok {
			k = k.fill(s)
		}
	}
	if !k.complete() {
		k = r.ecs.fill(ev, k)
	}
	return k
}

// Describe returns the Recognized that k stands for.
func (r *Recognizer) Describe(k Key) Recognized {
	return Recognized{
		Product:  r.products.dimension(k.product),
		Service:  r.services.dimension(k.service),
		Category: r.categories.dimension(k.category),
	}
}

// Fits reports whether a rule with logsource ls may fire on events with
// Key k (doc.go states the semantics).
func (r *Recognizer) Fits(ls sigma.Logsource, k Key) bool {
	return r.products.admits(k.product, strings.ToLower(ls.Product)) &&
		r.services.admits(k.service, strings.ToLower(ls.Service)) &&
		r.categories.admits(k.category, strings.ToLower(ls.Category))
}

// tableKeys returns the Keys the tables and declarations produce on their
// own, without the event's tags filling a dimension, so a Router can bucket
// rules for them up front.
func (r *Recognizer) tableKeys() []Key {
	seen := map[Key]bool{{}: true}
	keys := []Key{{}}
	add := func(k Key) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, m := range r.declared {
		add(m.key)
	}
	for _, e := range r.windows.entries() {
		add(e.other)
		add(e.anyID)
		for _, k := range e.byID {
			add(k)
		}
	}
	for _, g := range r.shapes {
		for _, m := range g.mappings {
			add(m.key)
		}
	}
	for _, p := range append([]setID{unknownSet}, mapValues(r.ecs.products)...) {
		for _, c := range append([]setID{unknownSet}, mapValues(r.ecs.categories)...) {
			add(Key{product: p, category: c})
		}
	}
	return keys
}

func mapValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Known returns the names this recognizer knows for each dimension, sorted:
// the values a closed set can exclude.
func (r *Recognizer) Known() (products, services, categories []string) {
	return r.products.names(), r.services.names(), r.categories.names()
}

// explicitFields reads the event's own logsource tags.
type explicitFields struct {
	product, service, category *sigma.Field
	r                          *Recognizer
}

func (r *Recognizer) compileExplicit() {
	r.explicit = explicitFields{
		product: r.field("product"), service: r.field("service"), category: r.field("category"), r: r,
	}
	// Singleton sets for every known name, so tags never intern at run time.
	for _, t := range []*setTable{&r.products, &r.services, &r.categories} {
		for _, n := range t.names() {
			t.intern(OneOf(n))
		}
	}
}

func (x *explicitFields) fill(ev sigma.Event, k Key) Key {
	if k.product == unknownSet {
		k.product = x.tag(ev, x.product, &x.r.products)
	}
	if k.service == unknownSet {
		k.service = x.tag(ev, x.service, &x.r.services)
	}
	if k.category == unknownSet {
		k.category = x.tag(ev, x.category, &x.r.categories)
	}
	return k
}

// tag returns the singleton set of the field's value when it is a known
// name, else unknown: a `product` field of an application's own JSON
// ("shoes") reveals nothing.
func (x *explicitFields) tag(ev sigma.Event, f *sigma.Field, t *setTable) setID {
	v := ev.Field(f)
	if v.Kind != sigma.KindString {
		return unknownSet
	}
	text, _ := folded(&v)
	return t.single[text] // unknownSet (0) when text is no known name
}

// ProductSet is a dense number of the product set k reveals (0: unknown),
// an index into ProductLabels.
func (k Key) ProductSet() int { return int(k.product) }

// ProductLabels returns, for every product set this recognizer knows, a
// metric label: "unknown" for set 0, the set's one name, "none" for the
// empty set, else its names joined by "|". The sets are fixed once New
// returns (tables, declarations and catalogue singletons), so the label set
// is bounded.
func (r *Recognizer) ProductLabels() []string {
	out := make([]string, len(r.products.sets))
	for id, names := range r.products.sets {
		switch {
		case id == int(unknownSet):
			out[id] = "unknown"
		case len(names) == 0:
			out[id] = "none"
		default:
			out[id] = strings.Join(names, "|")
		}
	}
	return out
}

// Contradiction says why a rule with logsource ls may not fire on events
// with Key k, naming the first dimension that excludes it, e.g.
// `category "process_creation" is not in the event's {image_load}`; ""
// when it fits (Fits).
func (r *Recognizer) Contradiction(ls sigma.Logsource, k Key) string {
	dims := [3]struct {
		name string
		t    *setTable
		id   setID
		rule string
	}{
		{"product", &r.products, k.product, ls.Product},
		{"service", &r.services, k.service, ls.Service},
		{"category", &r.categories, k.category, ls.Category},
	}
	for _, d := range dims {
		rule := strings.ToLower(d.rule)
		if !d.t.admits(d.id, rule) {
			return fmt.Sprintf("%s %q is not in the event's %s", d.name, rule, d.t.dimension(d.id))
		}
	}
	return ""
}
