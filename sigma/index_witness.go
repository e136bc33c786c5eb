package sigma

import (
	"strings"
)

// witnessKind is the kind of literal evidence a rule needs from an event.
type witnessKind uint8

const (
	witnessExact          witnessKind = iota // a field member's folded text equals key
	witnessNumber                            // a field member parses as the integer num
	witnessSubstring                         // a field member's folded text contains key
	witnessPrefix                            // a field member's folded text starts with key
	witnessSuffix                            // a field member's folded text ends with key
	witnessKeyword                           // some string leaf's folded text contains key
	witnessHexRun                            // a maximal hex-digit run of a field member starts with key
	witnessPresent                           // the field is present and not null
	witnessCasedSubstring                    // a field member's text as written contains key (index_cased.go)
)

// witness is one piece of evidence: if a rule matches an event, at least one
// witness of the rule's witness set holds for that event. Witnesses are
// derived from positive literals only, so negated parts never contribute.
type witness struct {
	kind  witnessKind
	field *Field // nil for keyword witnesses
	key   string // folded literal (as written for witnessCasedSubstring)
	num   int64
}

// maxNeedle bounds substring needles: any window of a required substring is
// itself required, and short needles keep the automata small.
const maxNeedle = 12

// maxKeywordNeedle bounds keyword needles: the keyword automaton is one
// for the whole corpus (hundreds of needles), so longer needles cost little
// memory, while 12 bytes of a long literal ("AAAA...A") occur in base64.
const maxKeywordNeedle = 32

// maxAffix bounds prefix and suffix keys. A trie walk stops where the
// text leaves the trie, so long keys cost memory only; paths such as
// C:\Windows\System32\... share their first 12 bytes with most events.
const maxAffix = 32

// witnessCost estimates how many candidate evaluations a witness set
// causes; lower is better. Exact hashes are most selective; short literals
// (".exe", "-") occur in most events and cost most.
func witnessCost(ws []witness) int {
	c := 0
	for _, w := range ws {
		l := len(w.key)
		switch w.kind {
		case witnessExact:
			c += 2
		case witnessNumber:
			c += 8
		case witnessPrefix, witnessSuffix:
			c += lengthCost(l, 3)
		case witnessHexRun:
			c += 2
		case witnessPresent:
			c += 30
		default:
			c += lengthCost(l, 4)
		}
	}
	return c
}

// lengthCost grows as a literal gets shorter.
func lengthCost(l, base int) int {
	switch {
	case l >= 8:
		return base
	case l >= 5:
		return 2 * base
	}
	return 6 * base
}

func condWitnesses(cr *compiledRule, c *condEval) ([]witness, bool) {
	switch c.op {
	case CondIdent:
		return searchWitnesses(cr.searches[c.search])
	case CondNot:
		return nil, false
	case CondAnd:
		return bestOf(len(c.args), func(i int) ([]witness, bool) { return condWitnesses(cr, c.args[i]) })
	case CondOr:
		return unionOf(len(c.args), func(i int) ([]witness, bool) { return condWitnesses(cr, c.args[i]) })
	}
	sub := func(i int) ([]witness, bool) { return searchWitnesses(cr.searches[c.set[i]]) }
	if c.count == 0 {
		return bestOf(len(c.set), sub)
	}
	return unionOf(len(c.set), sub)
}

// bestOf picks the cheapest witness set among AND-ed parts.
func bestOf(n int, part func(int) ([]witness, bool)) ([]witness, bool) {
	var best []witness
	found := false
	for i := 0; i < n; i++ {
		ws, ok := part(i)
		if ok && (!found || witnessCost(ws) < witnessCost(best)) {
			best, found = ws, true
		}
	}
	return best, found
}

// unionOf joins the witness sets of OR-ed parts; one part without witnesses
// makes the whole OR unusable.
func unionOf(n int, part func(int) ([]witness, bool)) ([]witness, bool) {
	var all []witness
	for i := 0; i < n; i++ {
		ws, ok := part(i)
		if !ok {
			return nil, false
		}
		all = append(all, ws...)
	}
	return all, true
}

func searchWitnesses(s *searchNode) ([]witness, bool) {
	return unionOf(len(s.groups), func(i int) ([]witness, bool) {
		g := s.groups[i]
		return bestOf(len(g), func(j int) ([]witness, bool) { return itemWitnesses(g[j]) })
	})
}

// itemWitnesses derives the witnesses of one item: OR over its values (the
// cheapest single value with `all`).
func itemWitnesses(n *itemNode) ([]witness, bool) {
	if n.neq {
		return nil, false
	}
	switch n.kind {
	case itemFieldref:
		return presenceWitness(n), true // both fields must be present and non-null
	case itemValues, itemKeywords:
	default:
		return nil, false
	}
	perValue := func(i int) ([]witness, bool) { return valueWitnesses(n, i) }
	ws, ok := unionOf(len(n.values), perValue)
	if n.all {
		ws, ok = bestOf(len(n.values), perValue)
	}
	if !ok && n.kind == itemValues && len(n.values) > 0 {
		// Every value matcher needs a non-null scalar: the field's
		// presence is a (weak) witness, strong for fields most events lack.
		return presenceWitness(n), true
	}
	return ws, ok
}

// presenceWitness requires the item's field to be present and not null.
func presenceWitness(n *itemNode) []witness {
	return []witness{{kind: witnessPresent, field: n.field}}
}

func valueWitnesses(n *itemNode, i int) ([]witness, bool) {
	if re, ok := n.values[i].(*regexMatcher); ok {
		lits, cased := regexWitnessLiterals(re.re.String())
		if len(lits) == 0 {
			return nil, false
		}
		ws := make([]witness, len(lits))
		for k, lit := range lits {
			ws[k] = substringWitness(n, lit)
			if cased {
				ws[k] = casedWitness(ws[k], lit) // index_cased.go
			}
		}
		return ws, true
	}
	vars := n.variantsOf(i)
	if w, ok := commonVariantWitness(n, vars); ok {
		return []witness{w}, true
	}
	var ws []witness
	for _, v := range vars {
		switch {
		case v.num != nil:
			ws = append(ws, witness{kind: witnessExact, field: n.field, key: strings.ToLower(v.num.Text)})
			if v.num.IsInt {
				ws = append(ws, witness{kind: witnessNumber, field: n.field, num: v.num.Int})
			} else {
				return nil, false
			}
		case v.boolean != "":
			ws = append(ws, witness{kind: witnessExact, field: n.field, key: v.boolean})
		case v.isStr:
			if v.op == strEqual && !v.pat.hasWildcards() && n.kind == itemValues {
				ws = append(ws, witness{kind: witnessExact, field: n.field, key: strings.ToLower(v.pat.literal())})
				continue
			}
			w, ok := patternWitness(n, v)
			if !ok {
				return nil, false
			}
			ws = append(ws, w)
		default:
			return nil, false
		}
	}
	return ws, len(ws) > 0
}

// patternWitness picks the witness of a string variant: an anchored literal
// (prefix/suffix) when the operator anchors it and it is long enough,
// otherwise the longest literal as a substring.
func patternWitness(n *itemNode, v variant) (witness, bool) {
	longest := longestLiteral(v.pat)
	if n.kind == itemValues && len(v.pat) > 0 {
		anchoredStart := v.op == strEqual || v.op == strPrefix
		anchoredEnd := v.op == strEqual || v.op == strSuffix
		first, last := v.pat[0], v.pat[len(v.pat)-1]
		var pre, suf string
		if anchoredStart && first.Kind == PartLiteral {
			pre = first.Text
		}
		if anchoredEnd && last.Kind == PartLiteral {
			suf = last.Text
		}
		if len(suf) >= len(pre) && (len(suf) >= 4 || len(suf) >= len(longest)) && suf != "" {
			suf = strings.ToLower(suf)
			if len(suf) > maxAffix {
				suf = suf[len(suf)-maxAffix:]
			}
			return witness{kind: witnessSuffix, field: n.field, key: suf}, true
		}
		if pre != "" && (len(pre) >= 4 || len(pre) >= len(longest)) {
			pre = strings.ToLower(pre)
			if len(pre) > maxAffix {
				pre = pre[:maxAffix]
			}
			return witness{kind: witnessPrefix, field: n.field, key: pre}, true
		}
	}
	if longest == "" {
		return witness{}, false
	}
	return substringWitness(n, longest), true
}

// commonVariantWitness returns one substring witness shared by every variant
// of a value (windash spellings differ only in the dash), when their literals
// have a common substring of at least 4 bytes.
func commonVariantWitness(n *itemNode, vars []variant) (witness, bool) {
	if len(vars) < 2 {
		return witness{}, false
	}
	common := ""
	for k, v := range vars {
		if !v.isStr {
			return witness{}, false
		}
		lit := longestLiteral(v.pat)
		if k == 0 {
			common = lit
			continue
		}
		common = longestCommonSubstring(common, lit)
	}
	if len(common) < 4 {
		return witness{}, false
	}
	return substringWitness(n, common), true
}

// longestCommonSubstring is the classic O(len(a)·len(b)) dynamic program;
// rule literals are short and this runs at compile time only.
func longestCommonSubstring(a, b string) string {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	bestLen, bestEnd := 0, 0
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
				if cur[j] > bestLen {
					bestLen, bestEnd = cur[j], i
				}
			} else {
				cur[j] = 0
			}
		}
		prev, cur = cur, prev
	}
	return a[bestEnd-bestLen : bestEnd]
}

func substringWitness(n *itemNode, lit string) witness {
	lit = strings.ToLower(lit)
	if key := hexRunKey(lit); key != "" && n.kind == itemValues {
		return witness{kind: witnessHexRun, field: n.field, key: key}
	}
	limit := maxNeedle
	if n.kind == itemKeywords {
		limit = maxKeywordNeedle
	}
	if len(lit) > limit {
		lit = lit[len(lit)-limit:] // suffixes tested more selective than prefixes or "rare byte" windows
	}
	if isHex(lit) && distinctBytes(lit) >= 4 {
		lit = lit[len(lit)-8:] // hash fragments are random: 8 hex digits are selective enough
	}
	if n.kind == itemKeywords {
		return witness{kind: witnessKeyword, key: lit}
	}
	return witness{kind: witnessSubstring, field: n.field, key: lit}
}

// longestLiteral returns the longest literal run of a pattern.
func longestLiteral(p pattern) string {
	best := ""
	for _, part := range p {
		if part.Kind == PartLiteral && len(part.Text) > len(best) {
			best = part.Text
		}
	}
	return best
}

// distinctBytes counts the different bytes of s ("aaaaaaaa" is hex, but
// no random hash fragment).
func distinctBytes(s string) int {
	var seen [256]bool
	n := 0
	for i := 0; i < len(s); i++ {
		if !seen[s[i]] {
			seen[s[i]] = true
			n++
		}
	}
	return n
}

func isHex(s string) bool {
	if len(s) < 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// hexRunLen is the key length of hex-run witnesses: 16 hex digits.
const hexRunLen = 16

// hexRunKey returns the first hexRunLen digits of a hash inside a required
// literal, or "". It looks for a run of at least hexRunLen hex digits that
// is preceded, inside the literal, by a non-hex character ('=' in
// 'IMPHASH=…'): wherever the literal occurs, that run then starts a maximal
// hex run of the event text. Looking up the first digits of every maximal
// run in a hash map replaces scanning long random hex text (Sysmon Hashes)
// with an automaton whose deep states never stay in cache.
func hexRunKey(lit string) string {
	for i := 1; i < len(lit); i++ {
		if isHexDigit(lit[i-1]) || !isHexDigit(lit[i]) {
			continue
		}
		j := i
		for j < len(lit) && isHexDigit(lit[j]) {
			j++
		}
		if j-i >= hexRunLen {
			return lit[i : i+hexRunLen]
		}
		i = j
	}
	return ""
}

func isHexDigit(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

// forHexRuns calls fn with the first hexRunLen digits of every maximal hex
// run of s that is at least that long.
func forHexRuns(s string, fn func(key string)) {
	for i := 0; i < len(s); {
		if !isHexDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isHexDigit(s[j]) {
			j++
		}
		if j-i >= hexRunLen {
			fn(s[i : i+hexRunLen])
		}
		i = j
	}
}
