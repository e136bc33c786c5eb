// Package blockyaml reads the block-style part of YAML that Sigma rule files
// are nearly always written in into the same yaml.v3 node trees, several
// times faster, and gives up on anything else (the caller then reads the
// file with yaml.v3).
package blockyaml

import (
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Rule files are nearly always written in a small, block-style part of YAML:
// nested mappings and sequences, plain, quoted and block scalars, comments.
// Reader reads exactly that part into the same yaml.Node trees that
// gopkg.in/yaml.v3 builds (kinds, tags, values, styles, lines and columns;
// comments are not kept: nothing reads them), several times faster. On the
// first construct it does not handle (flow collections, anchors, tags,
// multi-document files, tabs, unusual escapes, anything malformed, ...) it
// gives up, and the file is read by yaml.v3 instead, which also produces
// the error messages. TestBlockYAMLMatchesYAMLv3 compares both readers on
// the whole SigmaHQ corpus.

// Reader is the reader state: the file's lines and a cursor, and the
// memory its nodes are carved from, which one loading goroutine reuses from
// file to file (see Recycle).
type Reader struct {
	lines []string
	li    int  // current line
	col   int  // current byte offset within lines[li]
	bad   bool // a construct outside the supported part was found
	depth int  // nesting of the collection being read
	// finalBreak is whether the file ends with a line break.
	finalBreak bool

	strs  stringTable  // copies scalar values (nil: plain copies)
	nodes []yaml.Node  // slab the nodes are allocated from
	ptrs  []*yaml.Node // slab the Content slices are carved from
	stack []*yaml.Node // children of the collections being read
}

// NewReader returns a reader that shares one copy of each short string it
// reads across the files it reads (see stringTable). The zero Reader copies
// every string.
func NewReader() *Reader { return &Reader{strs: stringTable{}} }

// Parse returns the root mapping of data, or ok false when data is
// not a single block-style mapping document that Reader fully supports.
// The nodes stay valid until the next Parse after a Recycle.
func (r *Reader) Parse(data []byte) (root *yaml.Node, ok bool) {
	r.lines, r.li, r.col, r.bad, r.depth, r.stack = r.lines[:0], 0, 0, false, 0, r.stack[:0]
	if !r.split(data) {
		return nil, false
	}
	if !r.nextContent() || r.col != 0 || !r.atKey() {
		return nil, false
	}
	root = r.mapping()
	if r.bad || r.nextContent() {
		return nil, false
	}
	return root, true
}

// Recycle lets the next Parse reuse the memory of the nodes built so far;
// the caller must not keep any of them.
func (r *Reader) Recycle() {
	r.nodes, r.ptrs = r.nodes[:0], r.ptrs[:0]
}

// split cuts data into lines, refusing characters and line starts that need
// the full YAML reader: invalid UTF-8, tabs, carriage returns outside CR LF
// line breaks, control and non-printable characters, byte order marks, Unicode line breaks, document
// markers and directives.
func (r *Reader) split(data []byte) bool {
	text := string(data)
	r.finalBreak = strings.HasSuffix(text, "\n")
	start := 0
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			i++
		case c == '\n':
			if !r.addLine(text[start:i]) {
				return false
			}
			i++
			start = i
		case c == '\r' && i+1 < len(text) && text[i+1] == '\n':
			if !r.addLine(text[start:i]) { // a CR LF break reads as LF
				return false
			}
			i += 2
			start = i
		case c < 0x80:
			return false // control character or DEL
		default:
			ch, size := utf8.DecodeRuneInString(text[i:])
			if size == 1 || !printableRune(ch) {
				return false // invalid UTF-8 or not printable
			}
			i += size
		}
	}
	return start == len(text) || r.addLine(text[start:])
}

// addLine appends a line unless it is a document marker or a directive.
func (r *Reader) addLine(line string) bool {
	if len(line) >= 3 && (line[:3] == "---" || line[:3] == "...") || line != "" && line[0] == '%' {
		return false
	}
	r.lines = append(r.lines, line)
	return true
}

// printableRune reports whether a non-ASCII character may appear as is in
// the supported YAML: printable, and neither a byte order mark nor one of
// the Unicode line breaks.
func printableRune(ch rune) bool {
	switch {
	case ch == 0xFEFF, ch == 0x85, ch == 0x2028, ch == 0x2029:
		return false
	case ch >= 0xA0 && ch <= 0xD7FF, ch >= 0xE000 && ch <= 0xFFFD, ch >= 0x10000 && ch <= 0x10FFFF:
		return true
	}
	return false
}

// node allocates a node from the node slab; a full slab is replaced by one
// twice as large (the nodes already handed out keep the old one alive).
func (r *Reader) node(kind yaml.Kind, line, col int) *yaml.Node {
	if len(r.nodes) == cap(r.nodes) {
		r.nodes = make([]yaml.Node, 0, max(64, 2*cap(r.nodes)))
	}
	r.nodes = append(r.nodes, yaml.Node{Kind: kind, Line: line + 1, Column: r.column(line, col)})
	return &r.nodes[len(r.nodes)-1]
}

// column is the 1-based column of a byte offset, counted in characters as
// YAML counts them.
func (r *Reader) column(line, off int) int {
	s := r.lines[line][:off]
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return utf8.RuneCountInString(s) + 1
		}
	}
	return off + 1
}

// indentOf returns the number of leading spaces of s.
func indentOf(s string) int {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// restIsEmpty reports whether the current line has nothing but spaces and
// a comment from the cursor on.
func (r *Reader) restIsEmpty() bool {
	line := r.lines[r.li]
	i := r.col
	for i < len(line) && line[i] == ' ' {
		i++
	}
	return i == len(line) || (line[i] == '#' && (i == 0 || line[i-1] == ' '))
}

// nextContent moves the cursor to the first character of the next line
// that has content (not blank, not a comment), from the cursor on; false at
// the end of the file.
func (r *Reader) nextContent() bool {
	if r.li < len(r.lines) && !r.restIsEmpty() {
		r.col += indentOf(r.lines[r.li][r.col:])
		return true
	}
	for r.li++; r.li < len(r.lines); r.li++ {
		r.col = 0
		if !r.restIsEmpty() {
			r.col = indentOf(r.lines[r.li])
			return true
		}
	}
	r.col = 0
	return false
}

// atEntry reports whether the cursor is at a sequence entry indicator.
func (r *Reader) atEntry() bool {
	rest := r.lines[r.li][r.col:]
	return rest == "-" || len(rest) > 1 && rest[0] == '-' && rest[1] == ' '
}

// atKey reports whether the cursor is at a plain mapping key followed by
// ':' (keyEnd finds it).
func (r *Reader) atKey() bool {
	_, ok := r.keyEnd()
	return ok
}

// keyEnd returns the offset of the ':' that ends the plain key at the
// cursor. Keys that start with an indicator, hold a comment or are too long
// for an implicit key are not supported.
func (r *Reader) keyEnd() (int, bool) {
	line := r.lines[r.li]
	if r.col >= len(line) || !plainStart(line[r.col:]) {
		return 0, false
	}
	for i := r.col; i < len(line) && i-r.col < 1000; i++ {
		switch line[i] {
		case ':':
			if i+1 == len(line) || line[i+1] == ' ' {
				return i, true
			}
		case '#':
			if line[i-1] == ' ' {
				return 0, false
			}
		}
	}
	return 0, false
}

// plainStart reports whether s can start a plain scalar here: it does not
// begin with an indicator character (sequence entries and explicit keys
// included).
func plainStart(s string) bool {
	switch s[0] {
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	}
	return true
}

// mapping reads a block mapping whose first key is at the cursor; its keys
// are at the cursor's column.
func (r *Reader) mapping() *yaml.Node {
	if !r.enter() {
		return nil
	}
	defer r.leave()
	indent := r.col
	n := r.node(yaml.MappingNode, r.li, r.col)
	n.Tag = "!!map"
	base := len(r.stack)
	defer r.content(n, base)
	for !r.bad {
		end, ok := r.keyEnd()
		if !ok {
			r.bad = true
			break
		}
		key := r.node(yaml.ScalarNode, r.li, r.col)
		key.Value = r.strs.text(trimSpaces(r.lines[r.li][r.col:end]))
		key.Tag = plainTag(key.Value)
		r.col = end + 1
		r.stack = append(r.stack, key)
		r.stack = append(r.stack, r.value(indent, true))
		if r.bad || !r.nextContent() || r.col < indent {
			break
		}
		if r.col > indent || r.atEntry() {
			r.bad = true
		}
	}
	return n
}

// sequence reads a block sequence whose first entry is at the cursor.
func (r *Reader) sequence() *yaml.Node {
	if !r.enter() {
		return nil
	}
	defer r.leave()
	indent := r.col
	n := r.node(yaml.SequenceNode, r.li, r.col)
	n.Tag = "!!seq"
	base := len(r.stack)
	defer r.content(n, base)
	for !r.bad {
		r.col++ // the '-'
		r.stack = append(r.stack, r.value(indent, false))
		if r.bad || !r.nextContent() || r.col < indent || (r.col == indent && !r.atEntry()) {
			break
		}
		if r.col > indent {
			r.bad = true
		}
	}
	return n
}

// content moves the children of n, stacked from base on, into n.Content,
// carved from the pointer slab.
func (r *Reader) content(n *yaml.Node, base int) {
	k := len(r.stack) - base
	if cap(r.ptrs)-len(r.ptrs) < k {
		r.ptrs = make([]*yaml.Node, 0, max(k, 256, 2*cap(r.ptrs)))
	}
	start := len(r.ptrs)
	r.ptrs = append(r.ptrs, r.stack[base:]...)
	n.Content = r.ptrs[start:len(r.ptrs):len(r.ptrs)]
	r.stack = r.stack[:base]
}

// maxBlockDepth bounds the nesting Reader reads; deeper documents go to
// yaml.v3, which has its own limit.
const maxBlockDepth = 100

func (r *Reader) enter() bool {
	r.depth++
	if r.depth > maxBlockDepth {
		r.bad = true
	}
	return !r.bad
}

func (r *Reader) leave() { r.depth-- }

// value reads the node after a key's ':' or an entry's '-' at the cursor;
// indent is the column of that key or entry. A mapping value may be a
// sequence at the key's own column (inMapping).
func (r *Reader) value(indent int, inMapping bool) *yaml.Node {
	if !r.restIsEmpty() {
		r.col += indentOf(r.lines[r.li][r.col:])
		if !inMapping && r.atKey() {
			return r.mapping() // "- key: value" starts a mapping in the entry
		}
		return r.scalar(indent)
	}
	line, col := r.li, r.col
	if r.nextContent() && (r.col > indent || inMapping && r.col == indent && r.atEntry()) {
		if r.atEntry() {
			return r.sequence()
		}
		if r.atKey() {
			return r.mapping()
		}
		return r.scalar(indent)
	}
	// No value: a null scalar, which yaml.v3 places just after the
	// indicator. The cursor goes back there for the caller.
	r.li, r.col = line, col
	n := r.node(yaml.ScalarNode, line, col)
	n.Tag = "!!null"
	return n
}

// trimSpaces removes trailing spaces.
func trimSpaces(s string) string {
	end := len(s)
	for end > 0 && s[end-1] == ' ' {
		end--
	}
	return s[:end]
}
