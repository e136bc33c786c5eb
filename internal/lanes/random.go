package lanes

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// generator draws every random choice of one lane from one seeded source,
// so a lane is a pure function of its seed and count.
type generator struct {
	rng *rand.Rand
}

// between returns an integer in [lo, hi).
func (g *generator) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo) }

// chance reports true with probability p.
func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// pick returns one element of s, uniformly.
func pick[T any](g *generator, s []T) T { return s[g.rng.IntN(len(s))] }

// pickWeighted returns the index of one of weights, each index as likely as
// its weight.
func (g *generator) pickWeighted(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	r := g.rng.IntN(total)
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return len(weights) - 1
}

// hex returns n random hex digits without "aaa": SigmaHQ's field-less Cisco
// rule keyword 'aaa' would otherwise fire on ~2% of events by accident in a
// logsource-blind engine.
func (g *generator) hex(n int, upper bool) string {
	digits := "0123456789abcdef"
	b := make([]byte, n)
	for {
		for i := range b {
			b[i] = digits[g.rng.IntN(16)]
		}
		if s := string(b); !strings.Contains(s, "aaa") {
			if upper {
				return strings.ToUpper(s)
			}
			return s
		}
	}
}

// guid returns a braced upper-case GUID, as Windows logs write them.
func (g *generator) guid() string {
	return "{" + g.hex(8, true) + "-" + g.hex(4, true) + "-" + g.hex(4, true) + "-" +
		g.hex(4, true) + "-" + g.hex(12, true) + "}"
}

// fill replaces the placeholders of a template: {u} the user's name
// without domain, {n} a number in [1, 200), {g} a GUID.
func (g *generator) fill(t, user string) string {
	if i := strings.LastIndexByte(user, '\\'); i >= 0 {
		user = user[i+1:]
	}
	t = strings.ReplaceAll(t, "{u}", user)
	if strings.Contains(t, "{n}") {
		t = strings.ReplaceAll(t, "{n}", strconv.Itoa(g.between(1, 200)))
	}
	if strings.Contains(t, "{g}") {
		t = strings.ReplaceAll(t, "{g}", g.guid())
	}
	return t
}
