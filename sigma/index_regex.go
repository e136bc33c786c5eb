package sigma

import (
	"regexp/syntax"
	"strings"
	"unicode"
)

// maxLiteralSet bounds the alternatives tracked while deriving regex
// witnesses (products of character classes and alternations grow fast).
const maxLiteralSet = 16

// regexLiterals returns lower-cased literals such that every match of the
// regular expression contains at least one of them, or nil when no useful
// set exists. `-(W|R)\s` gives {"-w", "-r"}; `ami\s+/all$` gives {"/all"}.
func regexLiterals(expr string) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	set := requiredSet(re.Simplify())
	for _, lit := range set {
		if lit == "" {
			return nil
		}
	}
	return set
}

// regexRequirements returns literal sets that every match of the regular
// expression satisfies together: for each set, the text contains one of its
// literals (lower-cased, so test them against Value.Fold). Used to skip
// running the regular expression on texts that cannot match.
func regexRequirements(expr string) [][]string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	var reqs [][]string
	for _, sub := range subs {
		set := requiredSet(sub)
		if len(set) == 0 || literalSetScore(set) < 64 { // empty literal in the set
			continue
		}
		reqs = append(reqs, set)
	}
	return reqs
}

// requiredSet returns literals one of which every match of re contains.
func requiredSet(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 && !lowerCoversFold(re.Rune) {
			return longestFoldSafe(re.Rune)
		}
		return exactSet(re)
	case syntax.OpCharClass, syntax.OpAlternate:
		return exactSet(re)
	case syntax.OpCapture, syntax.OpPlus:
		return requiredSet(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min > 0 {
			return requiredSet(re.Sub[0])
		}
	case syntax.OpConcat:
		return concatRequired(re.Sub)
	}
	return nil
}

// concatRequired picks the best required set of a concatenation: a run of
// consecutive parts with finite languages joined by cross product, or the
// required set of a single part.
func concatRequired(subs []*syntax.Regexp) []string {
	var best []string
	consider := func(set []string) {
		if literalSetScore(set) > literalSetScore(best) {
			best = set
		}
	}
	var run []string
	for _, sub := range subs {
		exact := exactSet(sub)
		if exact != nil {
			if run == nil {
				run = exact
			} else if run = crossProduct(run, exact); run == nil {
				run = exact
			}
			consider(run)
			continue
		}
		run = nil
		consider(requiredSet(sub))
	}
	return best
}

// literalSetScore prefers sets whose shortest literal is longest, then
// smaller sets.
func literalSetScore(set []string) int {
	if len(set) == 0 {
		return -1
	}
	shortest := len(set[0])
	for _, s := range set {
		shortest = min(shortest, len(s))
	}
	return shortest*64 - len(set)
}

// exactSet returns the finite language of re (lower-cased) when it is small,
// else nil.
func exactSet(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 && !lowerCoversFold(re.Rune) {
			return nil
		}
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpCharClass: // under (?i) the parser already added the fold variants
		var set []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(set) >= maxLiteralSet {
					return nil
				}
				set = appendUnique(set, strings.ToLower(string(r)))
			}
		}
		return set
	case syntax.OpCapture:
		return exactSet(re.Sub[0])
	case syntax.OpAlternate:
		var set []string
		for _, sub := range re.Sub {
			sub := exactSet(sub)
			if sub == nil || len(set)+len(sub) > maxLiteralSet {
				return nil
			}
			for _, s := range sub {
				set = appendUnique(set, s)
			}
		}
		return set
	case syntax.OpConcat:
		set := []string{""}
		for _, sub := range re.Sub {
			if set = crossProduct(set, exactSet(sub)); set == nil {
				return nil
			}
		}
		return set
	}
	return nil
}

// crossProduct concatenates every pair, or returns nil when b is nil or the
// result would exceed maxLiteralSet.
func crossProduct(a, b []string) []string {
	if b == nil || len(a)*len(b) > maxLiteralSet {
		return nil
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = appendUnique(out, x+y)
		}
	}
	return out
}

func appendUnique(set []string, s string) []string {
	for _, x := range set {
		if x == s {
			return set
		}
	}
	return append(set, s)
}

// longestFoldSafe returns the longest run of runes whose case-insensitive
// matches all lower-case alike (see lowerCoversFold), as a one-literal set.
func longestFoldSafe(runes []rune) []string {
	best, start := "", 0
	for i := 0; i <= len(runes); i++ {
		if i == len(runes) || !lowerCoversFold(runes[i:i+1]) {
			if piece := strings.ToLower(string(runes[start:i])); len(piece) > len(best) {
				best = piece
			}
			start = i + 1
		}
	}
	if best == "" {
		return nil
	}
	return []string{best}
}

// lowerCoversFold reports whether every rune that case-insensitive regex
// matching treats as equal to one of runes lower-cases to the same text, so
// that a literal found by the regex is also found in the event's Fold text
// (not so for 's', which (?i) also matches as 'ſ', whose lower case is 'ſ').
func lowerCoversFold(runes []rune) bool {
	for _, r := range runes {
		want := unicode.ToLower(r)
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if unicode.ToLower(f) != want {
				return false
			}
		}
	}
	return true
}
