package blockyaml

import (
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Scalars of the block-style YAML part that Reader reads (reader.go).
// Strings are copied out of the file (plain ones through Reader.strs) so
// that the nodes do not keep it alive.

// scalar reads the scalar at the cursor; indent is the column of the key or
// entry it belongs to (continuation lines must be indented further).
func (r *Reader) scalar(indent int) *yaml.Node {
	switch r.lines[r.li][r.col] {
	case '\'':
		return r.quoted(yaml.SingleQuotedStyle)
	case '"':
		return r.quoted(yaml.DoubleQuotedStyle)
	case '|', '>':
		return r.block(indent)
	}
	if !plainStart(r.lines[r.li][r.col:]) {
		r.bad = true
		return nil
	}
	return r.plain(indent)
}

// plainEnd returns where the plain text that starts at start ends on line
// (before a comment, trailing spaces removed) and whether a comment follows.
// ok is false for text that holds ": " or ends with ':' (a mapping where a
// scalar is expected).
func plainEnd(line string, start int) (end int, comment, ok bool) {
	end = len(line)
	for i := start; i < len(line); i++ {
		switch line[i] {
		case ':':
			if i+1 == len(line) || line[i+1] == ' ' {
				return 0, false, false
			}
		case '#':
			if line[i-1] == ' ' {
				end, comment = i, true
				i = len(line)
			}
		}
	}
	return start + len(trimSpaces(line[start:end])), comment, true
}

// plain reads a plain scalar, folding continuation lines: one line break
// becomes a space, each empty line a newline.
func (r *Reader) plain(indent int) *yaml.Node {
	line := r.lines[r.li]
	end, comment, ok := plainEnd(line, r.col)
	if !ok {
		r.bad = true
		return nil
	}
	n := r.node(yaml.ScalarNode, r.li, r.col)
	first := line[r.col:end]
	r.col = end
	var folded []byte
	for j, empty := r.li+1, 0; !comment && j < len(r.lines); j++ {
		next := r.lines[j]
		at := indentOf(next)
		switch {
		case at == len(next):
			empty++
			continue
		case at <= indent || next[at] == '#':
			j = len(r.lines)
			continue
		case !plainStart(next[at:]):
			r.bad = true
			return nil
		}
		if end, comment, ok = plainEnd(next, at); !ok {
			r.bad = true
			return nil
		}
		if folded == nil {
			folded = append(folded, first...)
		}
		if empty == 0 {
			folded = append(folded, ' ')
		}
		for ; empty > 0; empty-- {
			folded = append(folded, '\n')
		}
		folded = append(folded, next[at:end]...)
		r.li, r.col = j, end
	}
	if folded != nil {
		n.Value = string(folded)
	} else {
		n.Value = r.strs.text(first)
	}
	n.Tag = plainTag(n.Value)
	return n
}

// plainTag is the tag yaml.v3 gives a plain scalar: "<<" is a merge key,
// anything else is resolved by value (null, bool, int, float, timestamp, str).
func plainTag(value string) string {
	if value == "" {
		return "!!null"
	}
	switch value[0] {
	case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O', '~':
		// Only these exact words have another type.
		switch value {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return "!!bool"
		case "~", "null", "Null", "NULL":
			return "!!null"
		}
		return "!!str"
	case '+', '-', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if isPlainDate(value) {
			return "!!timestamp"
		}
		n := yaml.Node{Kind: yaml.ScalarNode, Value: value}
		return n.ShortTag() // numbers, timestamps and special floats
	case '<':
		if value == "<<" {
			return "!!merge"
		}
	}
	return "!!str"
}

// isPlainDate reports whether value is a calendar date written YYYY-M-D
// (one or two digits for month and day), the form of a rule's date and
// modified fields. yaml.v3 tries its timestamp layouts in turn and reaches
// the date-only one last, after three failed parses whose errors are
// allocated: two per rule, ~14 MB per load of 30k rules.
func isPlainDate(value string) bool {
	if len(value) < 8 || len(value) > 10 || value[4] != '-' {
		return false
	}
	dashes := 0
	for i := 0; i < len(value); i++ {
		switch c := value[i]; {
		case c == '-':
			dashes++
		case c < '0' || c > '9':
			return false
		}
	}
	if dashes != 2 {
		return false
	}
	_, err := time.Parse("2006-1-2", value)
	return err == nil
}

// quoted reads a single- or double-quoted scalar that ends on its line.
func (r *Reader) quoted(style yaml.Style) *yaml.Node {
	line := r.lines[r.li]
	var value []byte
	var end int
	var ok bool
	if style == yaml.SingleQuotedStyle {
		value, end, ok = singleQuoted(line, r.col+1)
	} else {
		value, end, ok = doubleQuoted(line, r.col+1)
	}
	if !ok {
		r.bad = true
		return nil
	}
	n := r.node(yaml.ScalarNode, r.li, r.col)
	n.Value, n.Tag, n.Style = string(value), "!!str", style
	r.col = end
	if !r.restIsEmpty() {
		r.bad = true
	}
	return n
}

// singleQuoted unquotes the text from start up to the closing quote (” is
// a quote); end is just past the closing quote.
func singleQuoted(line string, start int) (value []byte, end int, ok bool) {
	value = make([]byte, 0, len(line)-start)
	for i := start; i < len(line); i++ {
		if line[i] != '\'' {
			value = append(value, line[i])
			continue
		}
		if i+1 < len(line) && line[i+1] == '\'' {
			value = append(value, '\'')
			i++
			continue
		}
		return value, i + 1, true
	}
	return nil, 0, false
}

// doubleQuoted unescapes the text from start up to the closing quote. Only
// the common escapes are handled; others make ok false.
func doubleQuoted(line string, start int) (value []byte, end int, ok bool) {
	value = make([]byte, 0, len(line)-start)
	for i := start; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			return value, i + 1, true
		case c != '\\':
			value = append(value, c)
			continue
		case i+1 == len(line):
			return nil, 0, false
		}
		i++
		switch line[i] {
		case '\\', '"':
			value = append(value, line[i])
		case 'n':
			value = append(value, '\n')
		case 't':
			value = append(value, '\t')
		case 'r':
			value = append(value, '\r')
		case 'x', 'u', 'U':
			width := 2
			switch line[i] {
			case 'u':
				width = 4
			case 'U':
				width = 8
			}
			code, ok := hexCode(line, i+1, width)
			if !ok {
				return nil, 0, false
			}
			value = utf8.AppendRune(value, code)
			i += width
		default:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// hexCode reads width hex digits at start as a Unicode scalar value.
func hexCode(line string, start, width int) (rune, bool) {
	if start+width > len(line) {
		return 0, false
	}
	var code uint32
	for _, c := range []byte(line[start : start+width]) {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		code = code<<4 | uint32(d)
	}
	if code >= 0xD800 && code <= 0xDFFF || code > 0x10FFFF {
		return 0, false
	}
	return rune(code), true
}

// block reads a literal (|) or folded (>) block scalar whose content is
// indented further than indent. Explicit indentation indicators, lines of
// only spaces in the content and content on the file's last line without a
// line break are not supported.
func (r *Reader) block(indent int) *yaml.Node {
	line := r.lines[r.li]
	style, chomp, ok := blockHeader(line, r.col)
	if !ok {
		r.bad = true
		return nil
	}
	n := r.node(yaml.ScalarNode, r.li, r.col)
	n.Tag, n.Style = "!!str", style
	lines, empty, last, trailing := r.blockLines(indent)
	if lines == nil || last == len(r.lines)-1 && !r.finalBreak {
		r.bad = true
		return nil
	}
	var b []byte
	for i, text := range lines {
		spaced := text[0] == ' '
		switch {
		case i == 0:
		case style == yaml.FoldedStyle && lines[i-1][0] != ' ' && !spaced:
			if empty[i] == 0 {
				b = append(b, ' ') // a single line break folds into a space
			}
		default:
			b = append(b, '\n')
		}
		for k := 0; k < empty[i]; k++ {
			b = append(b, '\n')
		}
		b = append(b, text...)
	}
	switch chomp {
	case '+':
		b = append(b, '\n')
		b = append(b, strings.Repeat("\n", trailing)...)
	case ' ':
		b = append(b, '\n')
	}
	n.Value = string(b)
	r.li, r.col = last, len(r.lines[last])
	return n
}

// blockHeader reads a block scalar header: style, chomping ('-', '+' or
// ' ' for clip) and nothing but a comment after it.
func blockHeader(line string, at int) (style yaml.Style, chomp byte, ok bool) {
	style, chomp = yaml.LiteralStyle, ' '
	if line[at] == '>' {
		style = yaml.FoldedStyle
	}
	i := at + 1
	if i < len(line) && (line[i] == '-' || line[i] == '+') {
		chomp = line[i]
		i++
	}
	rest := line[i:]
	trimmed := strings.TrimLeft(rest, " ")
	if trimmed != "" && (trimmed[0] != '#' || len(trimmed) == len(rest)) {
		return 0, 0, false
	}
	return style, chomp, true
}

// blockLines returns the content lines of the block scalar that starts on
// the cursor's line, without the content indentation and without empty
// lines: empty[i] counts the empty lines before lines[i]. last is the index
// of the last content line, trailing the number of empty lines after it.
// lines is nil when the block is empty or has a line of only spaces.
func (r *Reader) blockLines(indent int) (lines []string, empty []int, last, trailing int) {
	width := -1
	for j := r.li + 1; j < len(r.lines); j++ {
		text := r.lines[j]
		at := indentOf(text)
		switch {
		case text == "":
			trailing++
			continue
		case at == len(text):
			return nil, nil, 0, 0
		case width < 0:
			if at <= indent {
				return nil, nil, 0, 0
			}
			width = at
		case at < width:
			return lines, empty, last, trailing
		}
		lines = append(lines, text[width:])
		empty = append(empty, trailing)
		trailing, last = 0, j
	}
	return lines, empty, last, trailing
}
