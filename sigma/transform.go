package sigma

import (
	"encoding/base64"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// pattern is a parsed Sigma string: literals and wildcards.
type pattern []StringPart

func (p pattern) hasWildcards() bool {
	for _, part := range p {
		if part.Kind == PartStar || part.Kind == PartQuestion {
			return true
		}
	}
	return false
}

// literal returns the concatenated literal text (meaningful without wildcards).
func (p pattern) literal() string {
	s := ""
	for _, part := range p {
		s += part.Text
	}
	return s
}

// maxWindashVariants caps windash expansion (sigma-rules.md §7.2 rule 9).
const maxWindashVariants = 15625

// applyTransform applies one value transform to every pattern.
func applyTransform(name string, in []pattern) ([]pattern, error) {
	var out []pattern
	for _, p := range in {
		switch name {
		case "utf16le", "utf16be", "utf16":
			out = append(out, transcodeUTF16(p, name))
		case "base64":
			if p.hasWildcards() {
				return nil, errors.New("base64 cannot encode a value containing wildcards")
			}
			out = append(out, pattern{{Kind: PartLiteral, Text: base64.StdEncoding.EncodeToString([]byte(p.literal()))}})
		case "base64offset":
			if p.hasWildcards() {
				return nil, errors.New("base64offset cannot encode a value containing wildcards")
			}
			for _, v := range base64Offsets(p.literal()) {
				out = append(out, pattern{{Kind: PartLiteral, Text: v}})
			}
		case "windash":
			vs, err := windashVariants(p)
			if err != nil {
				return nil, err
			}
			out = append(out, vs...)
		default:
			return nil, fmt.Errorf("unsupported transform %q", name)
		}
	}
	return out, nil
}

// transcodeUTF16 turns the literal parts into UTF-16 bytes (as a Go string);
// wildcards survive as wildcards.
func transcodeUTF16(p pattern, enc string) pattern {
	out := make(pattern, 0, len(p)+1)
	if enc == "utf16" {
		out = append(out, StringPart{Kind: PartLiteral, Text: "\xff\xfe"})
	}
	for _, part := range p {
		if part.Kind != PartLiteral {
			out = append(out, part)
			continue
		}
		units := utf16.Encode([]rune(part.Text))
		b := make([]byte, 0, 2*len(units))
		for _, u := range units {
			if enc == "utf16be" {
				b = append(b, byte(u>>8), byte(u))
			} else {
				b = append(b, byte(u), byte(u>>8))
			}
		}
		out = append(out, StringPart{Kind: PartLiteral, Text: string(b)})
	}
	return mergeLiterals(out)
}

// mergeLiterals joins adjacent literal parts.
func mergeLiterals(p pattern) pattern {
	out := p[:0:0]
	for _, part := range p {
		if n := len(out); n > 0 && part.Kind == PartLiteral && out[n-1].Kind == PartLiteral {
			out[n-1].Text += part.Text
			continue
		}
		out = append(out, part)
	}
	return out
}

// base64Offsets returns the three base64 forms of value at stream offsets 0,
// 1 and 2, trimmed of the characters that depend on neighbouring bytes
// (sigma-rules.md §7.3, pySigma algorithm). A value too short to keep any
// character at an offset gives the empty string there, as pySigma's slice
// does: with contains, that form matches any string.
func base64Offsets(value string) []string {
	start := [3]int{0, 2, 3}
	cuts := [3]int{0, 3, 2}
	out := make([]string, 0, 3)
	for i := 0; i < 3; i++ {
		padded := make([]byte, i, i+len(value))
		for j := range padded {
			padded[j] = ' '
		}
		padded = append(padded, value...)
		enc := base64.StdEncoding.EncodeToString(padded)
		lo, hi := start[i], len(enc)-cuts[(len(value)+i)%3]
		if hi < lo { // only padding-polluted characters: '' and 1-byte values
			hi = lo
		}
		out = append(out, enc[lo:hi])
	}
	return out
}

// windashChars are the characters a switch dash may be written with.
var windashChars = []string{"-", "/", "\u2013", "\u2014", "\u2015"}

// windashVariants expands every switch position (`\B[-/]\b`: a dash or slash
// not preceded by a word character and followed by one) into the five dash
// characters.
func windashVariants(p pattern) ([]pattern, error) {
	variants := []pattern{nil}
	for _, part := range p {
		if part.Kind != PartLiteral {
			for i := range variants {
				variants[i] = append(variants[i], part)
			}
			continue
		}
		pieces := splitSwitches(part.Text)
		for k, piece := range pieces {
			if k > 0 { // a switch point precedes this piece
				if len(variants)*len(windashChars) > maxWindashVariants {
					return nil, fmt.Errorf("windash expansion exceeds %d variants", maxWindashVariants)
				}
				next := make([]pattern, 0, len(variants)*len(windashChars))
				for _, v := range variants {
					for _, c := range windashChars {
						next = append(next, appendLiteral(append(pattern(nil), v...), c))
					}
				}
				variants = next
			}
			for i := range variants {
				variants[i] = appendLiteral(variants[i], piece)
			}
		}
	}
	return variants, nil
}

func appendLiteral(p pattern, text string) pattern {
	if text == "" {
		return p
	}
	if n := len(p); n > 0 && p[n-1].Kind == PartLiteral {
		p[n-1].Text += text
		return p
	}
	return append(p, StringPart{Kind: PartLiteral, Text: text})
}

// splitSwitches splits s at switch dashes, dropping the dash characters.
func splitSwitches(s string) []string {
	var pieces []string
	last := 0
	prevWord := false
	for i, r := range s {
		if (r == '-' || r == '/') && !prevWord {
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if i+1 < len(s) && isWordRune(next) {
				pieces = append(pieces, s[last:i])
				last = i + 1
			}
		}
		prevWord = isWordRune(r)
	}
	return append(pieces, s[last:])
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}
