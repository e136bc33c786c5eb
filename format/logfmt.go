package format

import "strings"

// parseLogfmt splits a logfmt line into pairs in input order
// (input-formats.md §6). It never fails; a line without pairs yields none.
func parseLogfmt(line string) (keys, values []string) {
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			break
		}
		if line[i] == '=' { // empty key: skip the chunk
			for i < len(line) && line[i] != ' ' && line[i] != '\t' {
				i++
			}
			continue
		}
		start := i
		for i < len(line) && line[i] != '=' && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		key := line[start:i]
		if i >= len(line) || line[i] != '=' {
			keys, values = append(keys, key), append(values, "true")
			continue
		}
		i++ // '='
		var val string
		if i < len(line) && line[i] == '"' {
			val, i = readLogfmtQuoted(line, i+1)
		} else {
			start = i
			for i < len(line) && line[i] != ' ' && line[i] != '\t' {
				i++
			}
			val = line[start:i]
		}
		keys, values = append(keys, key), append(values, val)
	}
	return keys, values
}

// readLogfmtQuoted reads a quoted value starting after the opening quote;
// only \" and \\ are escapes, an unterminated quote takes the rest.
func readLogfmtQuoted(line string, i int) (string, int) {
	var b strings.Builder
	for i < len(line) {
		c := line[i]
		switch {
		case c == '"':
			return b.String(), i + 1
		case c == '\\' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\'):
			b.WriteByte(line[i+1])
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), i
}
