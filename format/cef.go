package format

import (
	"strconv"
	"strings"
)

// cefHeaderKeys are the event keys of the seven CEF header fields, as
// rsigma's code names them (input-formats.md §7).
var cefHeaderKeys = [...]string{
	"cef_version", "deviceVendor", "deviceProduct", "deviceVersion", "signatureId", "name", "severity",
}

// parseCEF decodes the first "CEF:" record in line. A line without a valid
// header is a parse error.
func parseCEF(line string) (keys, values []string, err error) {
	at := strings.Index(line, "CEF:")
	if at < 0 {
		return nil, nil, &ParseError{Format: CEF, Reason: `no "CEF:" header`}
	}
	s := line[at+4:]
	var header []string
	start := 0
	for i := 0; i < len(s) && len(header) < 7; i++ {
		switch s[i] {
		case '\\':
			i++
		case '|':
			header = append(header, s[start:i])
			start = i + 1
		}
	}
	if len(header) < 7 {
		return nil, nil, &ParseError{Format: CEF, Reason: "header has fewer than 7 '|' separators"}
	}
	if _, err := strconv.Atoi(header[0]); err != nil {
		return nil, nil, &ParseError{Format: CEF, Reason: "version " + strconv.Quote(header[0]) + " is not an integer"}
	}
	for i, h := range header {
		keys = append(keys, cefHeaderKeys[i])
		values = append(values, unescapeCEF(h, false))
	}
	ek, ev := parseCEFExtension(s[start:])
	return append(keys, ek...), append(values, ev...), nil
}

// parseCEFExtension splits "k1=v1 k2=v2 with spaces" on unescaped '='; a key
// is the last word before its '=', a value runs to the last space before
// the next key.
func parseCEFExtension(ext string) (keys, values []string) {
	var eqs []int
	for i := 0; i < len(ext); i++ {
		switch ext[i] {
		case '\\':
			i++
		case '=':
			eqs = append(eqs, i)
		}
	}
	if len(eqs) == 0 {
		return nil, nil
	}
	key := lastWord(ext[:eqs[0]])
	for n, eq := range eqs {
		var val, nextKey string
		if n+1 < len(eqs) {
			seg := ext[eq+1 : eqs[n+1]]
			if sp := strings.LastIndexAny(seg, " "); sp >= 0 {
				val, nextKey = seg[:sp], seg[sp+1:]
			} else {
				nextKey = seg
			}
		} else {
			val = ext[eq+1:]
		}
		if key != "" {
			keys = append(keys, key)
			values = append(values, unescapeCEF(strings.TrimSpace(val), true))
		}
		key = nextKey
	}
	return keys, values
}

func lastWord(s string) string {
	s = strings.TrimRight(s, " ")
	if sp := strings.LastIndexByte(s, ' '); sp >= 0 {
		return s[sp+1:]
	}
	return s
}

// unescapeCEF applies header (\| \\) or extension (\= \\ \n \r) escapes;
// any other backslash sequence is kept as written.
func unescapeCEF(s string, extension bool) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		next := s[i+1]
		switch {
		case next == '\\':
			b.WriteByte('\\')
		case !extension && next == '|':
			b.WriteByte('|')
		case extension && next == '=':
			b.WriteByte('=')
		case extension && next == 'n':
			b.WriteByte('\n')
		case extension && next == 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte('\\')
			b.WriteByte(next)
		}
		i++
	}
	return b.String()
}
