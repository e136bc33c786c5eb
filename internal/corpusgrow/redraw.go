package corpusgrow

import (
	"bytes"
	"net/netip"
	"regexp"
	"strings"
	"unicode"
)

const (
	lower     = "abcdefghijklmnopqrstuvwxyz"
	upper     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits    = "0123456789"
	hexDigits = "0123456789abcdef"
)

// minHashRun is the shortest run of hex digits redrawn as hex digits: a
// hash stays a hash (which the index keys apart from other text).
const minHashRun = 16

// redraw replaces every ASCII letter and digit of s by another of its class
// (lower case, upper case, digit; with alphabet, only the characters of
// alphabet, keeping upper case upper); everything else stays, so Sigma
// wildcards, escapes and separators keep their place. Without alphabet,
// runs of at least minHashRun hex digits are redrawn as hex digits.
func (m *mutator) redraw(s, alphabet string) string {
	b := []byte(s)
	for i := 0; i < len(b); {
		run := i
		for alphabet == "" && run < len(b) && strings.IndexByte(hexDigits, b[run]|0x20) >= 0 {
			run++
		}
		if run-i >= minHashRun {
			upper := bytes.ContainsAny(b[i:run], "ABCDEF")
			for ; i < run; i++ {
				b[i] = m.redrawByte(b[i]|0x20, hexDigits)
				if upper {
					b[i] = byte(unicode.ToUpper(rune(b[i])))
				}
			}
			continue
		}
		b[i] = m.redrawByte(b[i], alphabet)
		i++
	}
	return string(b)
}

func (m *mutator) redrawByte(c byte, alphabet string) byte {
	class := ""
	switch {
	case alphabet != "" && strings.IndexByte(alphabet, c|0x20) >= 0:
		if c >= 'A' && c <= 'Z' {
			return strings.ToUpper(alphabet)[m.other(alphabet, c|0x20)]
		}
		class = alphabet
	case alphabet != "":
		return c
	case c >= 'a' && c <= 'z':
		class = lower
	case c >= 'A' && c <= 'Z':
		class = upper
	case c >= '0' && c <= '9':
		class = digits
	default:
		return c
	}
	return class[m.other(class, c)]
}

// other returns the index of a character of class other than c.
func (m *mutator) other(class string, c byte) int {
	i := m.rng.IntN(len(class) - 1)
	if i >= strings.IndexByte(class, c) {
		i++
	}
	return i
}

// minKeyword is the fewest letters and digits of a mutated keyword.
const minKeyword = 6

// lengthen adds lower-case letters after the last letter or digit of s (or
// at its end) until s holds at least n letters and digits.
func (m *mutator) lengthen(s string, n int) string {
	count, last := 0, len(s)
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' || s[i] >= '0' && s[i] <= '9' {
			count, last = count+1, i+1
		}
	}
	if count >= n {
		return s
	}
	if count == 0 {
		last = len(s)
	}
	extra := make([]byte, n-count)
	for i := range extra {
		extra[i] = lower[m.rng.IntN(len(lower))]
	}
	return s[:last] + string(extra) + s[last:]
}

// integer returns another integer with at least six digits, so that small
// codes (event ids, ports) do not land on other common codes.
func (m *mutator) integer(s string) string {
	sign, body := "", s
	if strings.HasPrefix(body, "-") {
		sign, body = "-", body[1:]
	}
	if body == "" || strings.Trim(body, digits) != "" {
		return m.redraw(s, "")
	}
	b := make([]byte, max(len(body), 6))
	b[0] = digits[1+m.rng.IntN(9)]
	for i := 1; i < len(b); i++ {
		b[i] = digits[m.rng.IntN(10)]
	}
	return sign + string(b)
}

// cidr returns a random network of the same family and prefix length, or s
// when s is not a CIDR range.
func (m *mutator) cidr(s string) string {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return s
	}
	addr := p.Addr().AsSlice()
	for i := range addr {
		addr[i] = byte(m.rng.IntN(256))
	}
	a, _ := netip.AddrFromSlice(addr)
	return netip.PrefixFrom(a, p.Bits()).Masked().String()
}

// regex redraws the letters of a regular expression's literal text: not in
// character classes, escapes, group flags or quantifiers. It returns s when
// the result does not compile.
func (m *mutator) regex(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '\\':
			i = escapeEnd(b, i)
		case c == '[':
			i = classEnd(b, i)
		case c == '{':
			for i < len(b) && b[i] != '}' {
				i++
			}
		case c == '(' && i+1 < len(b) && b[i+1] == '?':
			for i += 2; i < len(b) && isFlag(b[i]); i++ {
			}
			i--
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			b[i] = m.redrawByte(c, "")
		}
	}
	if _, err := regexp.Compile(string(b)); err != nil {
		return s
	}
	return string(b)
}

func isFlag(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-'
}

// escapeEnd returns the index of the last byte of the escape at b[i] ('\').
func escapeEnd(b []byte, i int) int {
	if i+1 >= len(b) {
		return i
	}
	switch b[i+1] {
	case 'x', 'p', 'P':
		if i+2 < len(b) && b[i+2] == '{' {
			end := i + 2
			for end < len(b) && b[end] != '}' {
				end++
			}
			return end
		}
		if b[i+1] == 'x' {
			return min(i+3, len(b)-1)
		}
		return min(i+2, len(b)-1)
	}
	return i + 1
}

// classEnd returns the index of the ']' closing the class opened at b[i].
func classEnd(b []byte, i int) int {
	j := i + 1
	if j < len(b) && b[j] == '^' {
		j++
	}
	if j < len(b) && b[j] == ']' {
		j++
	}
	for ; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '[':
			if j+1 < len(b) && b[j+1] == ':' { // [:alpha:]
				for j < len(b) && !(b[j] == ']' && b[j-1] == ':') {
					j++
				}
			}
		case ']':
			return j
		}
	}
	return len(b)
}
