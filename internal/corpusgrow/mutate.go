package corpusgrow

import (
	"bytes"
	"errors"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

var (
	errFiresAnyway = errors.New("the copy fires when every mutated search is false")
	errNotOneRule  = errors.New("not one rule in one YAML document")
)

// attempts bounds the redraws of a copy whose mutated text reads back as
// another YAML shape (a plain scalar that became `true`, say).
const attempts = 4

// mutateRule returns copy number copy of the rule file rel with content
// data, or errFiresAnyway or errNotOneRule.
func mutateRule(data []byte, rel string, copy int) ([]byte, error) {
	root, err := oneDocument(data)
	if err != nil {
		return nil, err
	}
	for salt := range attempts {
		m := newMutator(data, rel, copy, salt)
		out, err := m.rule(root)
		if err != nil {
			return nil, err
		}
		if back, err := oneDocument(out); err == nil && sameShape(root, back) {
			return out, nil
		}
	}
	return nil, errNotOneRule
}

// oneDocument parses data, which must hold exactly one YAML document whose
// root is a mapping.
func oneDocument(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc, next yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, errNotOneRule
	}
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		return nil, errNotOneRule
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, errNotOneRule
	}
	return root, nil
}

// sameShape reports whether b has the node kinds, tags and mapping keys of a.
func sameShape(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Tag != b.Tag || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if a.Kind == yaml.MappingNode && i%2 == 0 && a.Content[i].Value != b.Content[i].Value {
			return false
		}
		if !sameShape(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// mutator rewrites the scalars of one rule file in place: it records edits
// of the source text and applies them at the end, so everything it does
// not touch (comments, layout, quoting) stays byte for byte.
type mutator struct {
	src   []byte
	lines []int // byte offset of each line's start
	rng   *rand.Rand
	edits []edit
}

type edit struct {
	from, to int // source span replaced
	text     string
}

func newMutator(src []byte, rel string, copy, salt int) *mutator {
	h := fnv.New64a()
	h.Write([]byte(rel))
	m := &mutator{src: src, lines: []int{0}, rng: rand.New(rand.NewPCG(h.Sum64(), uint64(copy)<<8|uint64(salt)))}
	for i, c := range src {
		if c == '\n' {
			m.lines = append(m.lines, i+1)
		}
	}
	return m
}

// rule mutates the rule's id and detection and returns the new text.
func (m *mutator) rule(root *yaml.Node) ([]byte, error) {
	var detection *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch k, v := root.Content[i], root.Content[i+1]; k.Value {
		case "id":
			if v.Kind == yaml.ScalarNode {
				m.replace(v, m.redraw(v.Value, hexDigits))
			}
		case "detection":
			detection = v
		}
	}
	if detection == nil || detection.Kind != yaml.MappingNode {
		return nil, errNotOneRule
	}
	rare := map[string]bool{}
	var conditions []string
	for i := 0; i+1 < len(detection.Content); i += 2 {
		switch k, v := detection.Content[i], detection.Content[i+1]; k.Value {
		case "condition":
			conditions = append(conditions, scalarTexts(v)...)
		case "timeframe":
		default:
			rare[k.Value] = m.search(v)
		}
	}
	fires, err := firesAnyway(conditions, rare)
	if err != nil {
		return nil, errNotOneRule
	}
	if fires {
		return nil, errFiresAnyway
	}
	return m.apply(), nil
}

// scalarTexts returns the text of a scalar, or of each scalar of a sequence.
func scalarTexts(n *yaml.Node) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, scalarTexts(c)...)
	}
	return out
}

// search mutates one search identifier and reports whether it now rarely
// matches: every alternative (group or keyword) was changed.
func (m *mutator) search(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.MappingNode:
		return m.group(n)
	case yaml.ScalarNode:
		return m.literal(n, nil, true)
	case yaml.SequenceNode:
		rare := len(n.Content) > 0
		for _, c := range n.Content {
			var r bool
			switch c.Kind {
			case yaml.MappingNode:
				r = m.group(c)
			case yaml.ScalarNode:
				r = m.literal(c, nil, true)
			}
			rare = rare && r
		}
		return rare
	}
	return false
}

// group mutates the items of one AND group and reports whether one of them
// now rarely matches.
func (m *mutator) group(n *yaml.Node) bool {
	rare := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		field, mods, _ := strings.Cut(n.Content[i].Value, "|")
		r := m.item(n.Content[i+1], strings.Split(mods, "|"), field == "")
		rare = rare || r
	}
	return rare
}

// item mutates the values of one item and reports whether it now rarely
// matches: every value changed, or one with `|all`.
func (m *mutator) item(n *yaml.Node, mods []string, keyword bool) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return m.literal(n, mods, keyword)
	case yaml.SequenceNode:
		all := slices.Contains(mods, "all")
		changed := 0
		for _, c := range n.Content {
			if c.Kind == yaml.ScalarNode && m.literal(c, mods, keyword) {
				changed++
			}
		}
		return changed > 0 && (all || changed == len(n.Content))
	}
	return false
}

// kept are the modifiers whose values are left alone: field names,
// placeholders, existence, and comparisons that a changed value would make
// true more often, not less.
var kept = []string{"exists", "fieldref", "expand", "neq", "lt", "lte", "minute", "hour", "day", "week", "month", "year"}

// literal mutates one value written with mods and reports whether it
// changed. A keyword (a value without field, searched in every string of
// an event) gets at least minKeyword letters and digits: a short one would
// turn up by chance in random text (`lho` in a hash).
func (m *mutator) literal(n *yaml.Node, mods []string, keyword bool) bool {
	if n.Tag == "!!null" || n.Tag == "!!bool" {
		return false
	}
	for _, mod := range mods {
		if slices.Contains(kept, mod) {
			return false
		}
	}
	var v string
	switch {
	case slices.Contains(mods, "cidr"):
		v = m.cidr(n.Value)
	case slices.Contains(mods, "re"):
		v = m.regex(n.Value)
	case n.Tag == "!!int":
		v = m.integer(n.Value)
	case keyword:
		v = m.lengthen(m.redraw(n.Value, ""), minKeyword)
	default:
		v = m.redraw(n.Value, "")
	}
	return v != n.Value && m.replace(n, v)
}

// replace records the edit that writes scalar n as v, in n's quoting style;
// false when n's source text cannot be found.
func (m *mutator) replace(n *yaml.Node, v string) bool {
	if n.Line < 1 || n.Line > len(m.lines) || strings.ContainsAny(v, "\n\r\t") {
		return false
	}
	from := m.offset(n.Line, n.Column)
	if from >= len(m.src) {
		return false
	}
	var to int
	var text string
	switch n.Style {
	case 0:
		to, text = from+len(n.Value), v
		if to > len(m.src) || string(m.src[from:to]) != n.Value {
			return false
		}
	case yaml.SingleQuotedStyle:
		to, text = quotedEnd(m.src, from, '\''), "'"+strings.ReplaceAll(v, "'", "''")+"'"
	case yaml.DoubleQuotedStyle:
		to = quotedEnd(m.src, from, '"')
		if text = `"` + v + `"`; strings.ContainsAny(v, `"\`) {
			text = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		}
	default:
		return false // block scalars
	}
	if to < 0 {
		return false
	}
	m.edits = append(m.edits, edit{from, to, text})
	return true
}

// offset converts a 1-based line and rune column to a byte offset.
func (m *mutator) offset(line, column int) int {
	off := m.lines[line-1]
	for c := 1; c < column && off < len(m.src); c++ {
		_, size := utf8.DecodeRune(m.src[off:])
		off += size
	}
	return off
}

// quotedEnd returns the offset just past the quoted scalar starting at from
// with quote q, or -1.
func quotedEnd(src []byte, from int, q byte) int {
	if src[from] != q {
		return -1
	}
	for i := from + 1; i < len(src); i++ {
		switch {
		case q == '"' && src[i] == '\\':
			i++
		case src[i] == q && q == '\'' && i+1 < len(src) && src[i+1] == '\'':
			i++
		case src[i] == q:
			return i + 1
		}
	}
	return -1
}

// apply returns the source with every edit made.
func (m *mutator) apply() []byte {
	slices.SortFunc(m.edits, func(a, b edit) int { return a.from - b.from })
	var out bytes.Buffer
	at := 0
	for _, e := range m.edits {
		out.Write(m.src[at:e.from])
		out.WriteString(e.text)
		at = e.to
	}
	out.Write(m.src[at:])
	return out.Bytes()
}
