package sigma

import (
	"regexp/syntax"
	"slices"
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
	set, _ := literalsOf(expr, foldedLiterals)
	return set
}

// regexWitnessLiterals is regexLiterals, except that the literals keep
// their case (cased) when the expression matches case-sensitively
// throughout and they are ASCII: `-(W|R)\s` gives {"-W", "-R"}, which
// texts holding only "-w" or "-r" lack.
func regexWitnessLiterals(expr string) (lits []string, cased bool) {
	set, re := literalsOf(expr, casedLiterals)
	if re == nil || foldsCase(re) {
		return regexLiterals(expr), false
	}
	for _, lit := range set {
		if !asciiOnly(lit) {
			return regexLiterals(expr), false
		}
	}
	return set, set != nil
}

// literalsOf returns the required literal set of expr (see regexLiterals)
// and the parsed expression, nil when it does not parse.
func literalsOf(expr string, lc literalCase) ([]string, *syntax.Regexp) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, nil
	}
	re = re.Simplify()
	set := requiredSet(re, lc)
	for _, lit := range set {
		if lit == "" {
			return nil, re
		}
	}
	return set, re
}

// regexRequirements returns literal sets that every match of the regular
// expression satisfies together: for each set, the text contains one of its
// literals. Used to skip running the regular expression on texts that
// cannot match. The literals keep their case when the expression matches
// case-sensitively throughout (cased: test them against the text itself),
// else they are lower-cased (test them against Value.Fold): a case-sensitive
// `-(W|R)` then rejects the many texts holding "-r" or "-w".
func regexRequirements(expr string) (reqs [][]string, cased bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, false
	}
	re = re.Simplify()
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	lc := foldedLiterals
	if !foldsCase(re) {
		lc = casedLiterals
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	add := func(set []string) {
		if len(set) == 0 || literalSetScore(set) < 64 { // empty literal in the set
			return
		}
		for _, have := range reqs {
			if slices.Equal(have, set) {
				return
			}
		}
		reqs = append(reqs, set)
	}
	for _, sub := range subs {
		add(requiredSet(sub, lc))
	}
	if len(subs) > 1 { // literals that span parts: `-(W|R)` gives {"-W", "-R"}
		add(requiredSet(re, lc))
	}
	return reqs, lc == casedLiterals
}

// literalCase says whether derived literals keep their case.
type literalCase bool

const (
	foldedLiterals literalCase = false // lower-cased, for folded text
	casedLiterals  literalCase = true  // as written, for a case-sensitive expression
)

// text renders runes of a literal.
func (lc literalCase) text(r []rune) string {
	if lc == casedLiterals {
		return string(r)
	}
	return strings.ToLower(string(r))
}

// foldsCase reports whether any part of re matches case-insensitively.
func foldsCase(re *syntax.Regexp) bool {
	if re.Flags&syntax.FoldCase != 0 {
		return true
	}
	for _, sub := range re.Sub {
		if foldsCase(sub) {
			return true
		}
	}
	return false
}

// requiredSet returns literals one of which every match of re contains.
func requiredSet(re *syntax.Regexp, lc literalCase) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 && !lowerCoversFold(re.Rune) {
			return longestFoldSafe(re.Rune)
		}
		return exactSet(re, lc)
	case syntax.OpCharClass, syntax.OpAlternate:
		return exactSet(re, lc)
	case syntax.OpCapture, syntax.OpPlus:
		return requiredSet(re.Sub[0], lc)
	case syntax.OpRepeat:
		if re.Min > 0 {
			return requiredSet(re.Sub[0], lc)
		}
	case syntax.OpConcat:
		return concatRequired(re.Sub, lc)
	}
	return nil
}

// concatRequired picks the best required set of a concatenation: a run of
// consecutive parts with finite languages joined by cross product, or the
// required set of a single part.
func concatRequired(subs []*syntax.Regexp, lc literalCase) []string {
	var best []string
	consider := func(set []string) {
		if literalSetScore(set) > literalSetScore(best) {
			best = set
		}
	}
	var run []string
	for j, sub := range subs {
		exact := exactSet(sub, lc)
		if exact != nil {
			if run == nil {
				run = exact
			} else if run = crossProduct(run, exact); run == nil {
				run = exact
			}
			consider(run)
			continue
		}
		if run != nil { // the run and the character that follows it
			if next := firstChars(subs[j:], lc); next != nil {
				consider(crossProduct(run, next))
			}
		}
		run = nil
		consider(requiredSet(sub, lc))
	}
	return best
}

// firstChars returns the characters (as one-character literals) one of
// which starts every match of the concatenation subs, or nil when subs
// can match the empty text, the set is unknown or larger than
// maxLiteralSet: `\s?(\s|"|')` gives the whitespace characters and the
// quotes.
func firstChars(subs []*syntax.Regexp, lc literalCase) []string {
	set, nullable, ok := firstOfConcat(subs, lc)
	if !ok || nullable {
		return nil
	}
	return set
}

// firstOf returns the first characters of re's non-empty matches and
// whether re matches the empty text; ok is false when they are not known.
func firstOf(re *syntax.Regexp, lc literalCase) (set []string, nullable, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return nil, true, true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 && !lowerCoversFold(re.Rune[:1]) {
			return nil, false, false
		}
		return []string{lc.text(re.Rune[:1])}, false, true
	case syntax.OpCharClass:
		set := exactSet(re, lc)
		return set, false, set != nil
	case syntax.OpCapture, syntax.OpPlus:
		return firstOf(re.Sub[0], lc)
	case syntax.OpQuest, syntax.OpStar:
		set, _, ok := firstOf(re.Sub[0], lc)
		return set, true, ok
	case syntax.OpRepeat:
		set, nullable, ok := firstOf(re.Sub[0], lc)
		return set, nullable || re.Min == 0, ok
	case syntax.OpConcat:
		return firstOfConcat(re.Sub, lc)
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			s, n, ok := firstOf(sub, lc)
			if !ok {
				return nil, false, false
			}
			if set = unionLimited(set, s); set == nil && len(s) > 0 {
				return nil, false, false
			}
			nullable = nullable || n
		}
		return set, nullable, true
	}
	return nil, false, false
}

// firstOfConcat is firstOf for the concatenation subs.
func firstOfConcat(subs []*syntax.Regexp, lc literalCase) (set []string, nullable, ok bool) {
	for _, sub := range subs {
		s, n, ok := firstOf(sub, lc)
		if !ok {
			return nil, false, false
		}
		if set = unionLimited(set, s); set == nil && len(s) > 0 {
			return nil, false, false
		}
		if !n {
			return set, false, true
		}
	}
	return set, true, true
}

// unionLimited adds b's literals to a; nil when the union exceeds
// maxLiteralSet.
func unionLimited(a, b []string) []string {
	for _, s := range b {
		if a = appendUnique(a, s); len(a) > maxLiteralSet {
			return nil
		}
	}
	return a
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

// exactSet returns the finite language of re (lower-cased unless lc is
// casedLiterals) when it is small, else nil.
func exactSet(re *syntax.Regexp, lc literalCase) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 && !lowerCoversFold(re.Rune) {
			return nil
		}
		return []string{lc.text(re.Rune)}
	case syntax.OpCharClass: // under (?i) the parser already added the fold variants
		var set []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(set) >= maxLiteralSet {
					return nil
				}
				set = appendUnique(set, lc.text([]rune{r}))
			}
		}
		return set
	case syntax.OpCapture:
		return exactSet(re.Sub[0], lc)
	case syntax.OpAlternate:
		var set []string
		for _, sub := range re.Sub {
			sub := exactSet(sub, lc)
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
			if set = crossProduct(set, exactSet(sub, lc)); set == nil {
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
