package sigma

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// referenceParseSigmaString is the plain one-builder reading of
// sigma-rules.md §6.1 that ParseSigmaString must agree with.
func referenceParseSigmaString(text string, placeholders bool) []StringPart {
	var parts []StringPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, StringPart{Kind: PartLiteral, Text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\\' && i+1 < len(text):
			next := text[i+1]
			if next == '*' || next == '?' || next == '\\' || (placeholders && next == '%') {
				lit.WriteByte(next)
				i++
			} else {
				lit.WriteByte(c)
			}
		case c == '*':
			flush()
			parts = append(parts, StringPart{Kind: PartStar})
		case c == '?':
			flush()
			parts = append(parts, StringPart{Kind: PartQuestion})
		case c == '%' && placeholders:
			end := strings.IndexByte(text[i+1:], '%')
			if end < 0 {
				lit.WriteByte(c)
				continue
			}
			flush()
			parts = append(parts, StringPart{Kind: PartPlaceholder, Text: text[i+1 : i+1+end]})
			i += end + 1
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts
}

func TestParseSigmaStringAgreesWithReference(t *testing.T) {
	texts := []string{"", "a", `\`, `\\`, `\*`, `a\*b`, `*a*`, `a?b`, `\\*`, `C:\Windows\*.exe`,
		`%x%`, `a%x%b`, `%`, `a%b`, `\%x%`, `%%`, `*\\\?`, `ab\`, `\\\\`}
	rng := rand.New(rand.NewSource(1))
	const alphabet = `ab\*?%`
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.Intn(10))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		texts = append(texts, string(b))
	}
	for _, text := range texts {
		for _, ph := range []bool{false, true} {
			got, want := ParseSigmaString(text, ph), referenceParseSigmaString(text, ph)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ParseSigmaString(%q, %v) = %+v, want %+v", text, ph, got, want)
			}
		}
	}
}
