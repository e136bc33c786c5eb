package sigma

import (
	"runtime"
	"sync"

	"github.com/rsigma-connect/rsigma-connect/sigma/internal/automaton"
)

// candidateIndex selects, per event, the rules that can possibly match
// (sigma-rules.md §11). Every rule either has up to maxClauses witness sets
// (clauses, index_clause.go; each set derived by index_witness.go) that all
// hold whenever the rule matches, or is in the always-evaluate set. A rule
// is a candidate when each of its clauses has at least one witness in the
// event; a rule with an unwitnessed clause cannot match, so skipping it
// changes no result (tests compare with CompileOptions.DisableCandidateIndex).
// A rule is also dropped when a veto holds: an item it needs false is seen
// true (index_veto.go). Rules whose clauses decide them exactly are
// reported without evaluation (index_decided.go).
//
// Postings are mark ids: n << clauseBits | clause number (or vetoClause),
// where n is the rule position for the first clause and the vetoes, and
// the number of the distinct witness for the other clauses
// (index_shared.go); the marks of an event are index_marks.go's.
// Layout, per field that some witness reads (fieldIndex):
//   - exact:   folded member text → ids (string, bool and number literals)
//   - numbers: integer value → ids (numeric equality)
//   - substr:  one Aho-Corasick DFA over the folded member text (required
//     substrings, glob segments, regex literals; needles cut to maxNeedle
//     bytes), index_ac.go
//   - prefix, suffix: tries walked from either end of the text for anchored
//     literals (startswith/endswith), index_affix.go
//   - hexRuns: first 16 digits of hashes inside required literals
//   - present: rules whose only witness is the field being present
//
// Keyword witnesses share one automaton run over every string leaf.
type candidateIndex struct {
	nRules int
	words  int      // words of a bitset of the rules
	always []uint64 // bitset of rules evaluated on every event
	// alwaysWords lists the words of always that are not zero.
	alwaysWords []int32
	// preset[k-1] presets clause k for rules with fewer than k+1 clauses
	// (and for always rules); see index_clause.go.
	preset [][]uint64
	// clauseWitnesses[k-1] lists the witnesses of clause k per rule
	// (index_shared.go); regionStart[k] is the first word of the marks of
	// clause k (or of the vetoes, k = vetoClause) in evalScratch.marks,
	// markWords their total.
	clauseWitnesses []*clauseWitnesses
	regionStart     [markRegions]int
	markWords       int
	nAlways         int
	fields          []*fieldIndex
	keywords        *automaton.Substrings
	// keywordNeedles are the needles of keywords, kept from the build until
	// the optional pre-filter keywordBloom is made (bloom.go).
	keywordNeedles []string
	keywordBloom   *needleBloom
	// byID maps field IDs to fields (event_json_present.go).
	byID []*fieldIndex
	// noMemo switches off the visit memo (index_memo.go); for tests.
	noMemo bool
	// decidedBits marks the rules that match exactly when they are
	// candidates (index_decided.go).
	decidedBits []uint64
}

// fieldIndex holds the witnesses of one field.
type fieldIndex struct {
	field   *Field
	exact   map[string][]int32
	numbers map[int64][]int32
	substr  *automaton.Substrings
	needles []string     // the needles of substr, until bloom is made
	bloom   *needleBloom // optional pre-filter of substr (bloom.go)
	prefix  *automaton.Affixes
	suffix  *automaton.Affixes
	// hexRuns maps the first digits of required hashes to rules
	// (witnessHexRun).
	hexRuns map[string][]int32
	// present lists the rules witnessed by the field being present and not
	// null (witnessPresent).
	present []int32
	// confirm holds the cased witnesses, whose needles in substr carry
	// confirmation ids (index_cased.go); casedKeys finds an entry by its
	// literal while the index is built.
	confirm   []casedConfirm
	casedKeys map[string]int
}

// buildIndex derives every rule's witnesses and builds the lookup structures.
func buildIndex(rules []*compiledRule) *candidateIndex {
	words := (len(rules) + 63) / 64
	x := &candidateIndex{nRules: len(rules), words: words, always: make([]uint64, words), preset: make([][]uint64, maxClauses-1),
		decidedBits: make([]uint64, words)}
	x.clauseWitnesses = make([]*clauseWitnesses, maxClauses-1)
	for k := range x.preset {
		x.preset[k] = make([]uint64, words)
		x.clauseWitnesses[k] = newClauseWitnesses(len(rules))
	}
	ib := &indexBuilder{byField: map[*Field]*fieldIndex{}, needles: map[*Field]*needleList{}}
	clauses := allClauses(rules)
	for i, cr := range rules {
		pos := int32(cr.pos)
		for k := len(clauses[i]); k < maxClauses; k++ {
			if k > 0 {
				x.preset[k-1][pos/64] |= 1 << (pos % 64)
			}
		}
		if decidedByIndex(cr, clauses[i]) {
			x.decidedBits[pos/64] |= 1 << (pos % 64)
		}
		for _, w := range ruleVetoes(cr) { // index_veto.go
			ib.add(w, pos<<clauseBits|vetoClause)
		}
		if len(clauses[i]) == 0 {
			x.always[pos/64] |= 1 << (pos % 64)
			x.nAlways++
			continue
		}
		for k, ws := range clauses[i] {
			if k > 0 { // marked per distinct witness (index_shared.go)
				x.clauseWitnesses[k-1].add(pos, ws, func(w witness, n int32) { ib.add(w, n<<clauseBits|int32(k)) })
				continue
			}
			for _, w := range ws {
				ib.add(w, pos<<clauseBits|int32(k))
			}
		}
	}
	x.layoutMarks()
	var wg sync.WaitGroup // the automata are independent: build them on all CPUs
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, f := range ib.order {
		fi := ib.byField[f]
		if nl := ib.needles[f]; nl != nil {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				fi.build(nl)
				*nl = needleList{} // the automata hold what the index needs
				<-sem
			}()
		}
		x.fields = append(x.fields, fi)
	}
	wg.Wait()
	if len(ib.kwNeedles) > 0 {
		x.keywords = automaton.NewSubstrings(ib.kwNeedles, ib.kwIDs)
		x.keywordNeedles = ib.kwNeedles
	}
	x.byID = fieldIndexByID(x.fields)
	x.alwaysWords = nonZeroWords(x.always)
	return x
}

// indexBuilder collects witnesses per field while the index is built. Every
// posting is a mark id (see candidateIndex).
type indexBuilder struct {
	byField   map[*Field]*fieldIndex
	needles   map[*Field]*needleList
	order     []*Field
	kwNeedles []string
	kwIDs     []int32
}

func (ib *indexBuilder) add(w witness, id int32) {
	if w.kind == witnessKeyword {
		ib.kwNeedles = append(ib.kwNeedles, w.key)
		ib.kwIDs = append(ib.kwIDs, id)
		return
	}
	fi := ib.byField[w.field]
	if fi == nil {
		fi = &fieldIndex{field: w.field, exact: map[string][]int32{}, numbers: map[int64][]int32{}}
		ib.byField[w.field] = fi
		ib.order = append(ib.order, w.field)
	}
	switch w.kind {
	case witnessExact:
		fi.exact[w.key] = appendPos(fi.exact[w.key], id)
	case witnessNumber:
		fi.numbers[w.num] = appendPos(fi.numbers[w.num], id)
	case witnessPresent:
		fi.present = appendPos(fi.present, id)
	case witnessHexRun:
		if fi.hexRuns == nil {
			fi.hexRuns = map[string][]int32{}
		}
		fi.hexRuns[w.key] = appendPos(fi.hexRuns[w.key], id)
	default:
		nl := ib.needles[w.field]
		if nl == nil {
			nl = &needleList{}
			ib.needles[w.field] = nl
		}
		if w.kind == witnessCasedSubstring {
			fi.addCased(nl, w, id) // index_cased.go
			return
		}
		nl.add(w.kind, w.key, id)
	}
}

// allClauses derives every rule's clauses on all CPUs.
func allClauses(rules []*compiledRule) [][][]witness {
	out := make([][][]witness, len(rules))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(rules); i += workers {
				out[i] = ruleClauses(rules[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// needleList collects a field's substring, prefix and suffix witnesses.
type needleList struct {
	keys [3][]string
	ids  [3][]int32
}

func (nl *needleList) add(kind witnessKind, key string, pos int32) {
	i := int(kind - witnessSubstring)
	nl.keys[i] = append(nl.keys[i], key)
	nl.ids[i] = append(nl.ids[i], pos)
}

func (fi *fieldIndex) build(nl *needleList) {
	fi.casedKeys = nil
	if len(nl.keys[0]) > 0 {
		fi.substr = automaton.NewSubstrings(nl.keys[0], nl.ids[0])
		fi.needles = nl.keys[0]
	}
	if len(nl.keys[1]) > 0 {
		fi.prefix = automaton.NewAffixes(nl.keys[1], nl.ids[1], false)
	}
	if len(nl.keys[2]) > 0 {
		fi.suffix = automaton.NewAffixes(nl.keys[2], nl.ids[2], true)
	}
}

func appendPos(list []int32, pos int32) []int32 {
	if n := len(list); n > 0 && list[n-1] == pos {
		return list
	}
	return append(list, pos)
}

// scanLeaf marks the keyword witnesses of the string leaf v.
func (sc *evalScratch) scanLeaf(v *Value) bool {
	if sc.ix.keywordBloom.mayContain(v.Fold) {
		sc.ix.keywords.Scan(v.Fold, sc.mark)
	}
	return false
}

// visit marks the rules whose witnesses on this field hold for v.
func (fi *fieldIndex) visit(v *Value, sc *evalScratch) {
	for _, id := range fi.present { // callers visit present, non-null values only
		sc.mark(id)
	}
	if v.Kind == KindArray {
		for i := range v.Items {
			fi.visit(&v.Items[i], sc)
		}
		return
	}
	s, ok := text(v, false)
	if !ok {
		return
	}
	if len(fi.exact) > 0 {
		for _, pos := range fi.exact[s] {
			sc.mark(pos)
		}
	}
	if len(fi.numbers) > 0 {
		var n RuleValue
		if parseDecimalInto(v.Str, &n) && n.IsInt {
			for _, pos := range fi.numbers[n.Int] {
				sc.mark(pos)
			}
		}
	}
	if fi.substr != nil && fi.bloom.mayContain(s) {
		if fi.confirm == nil {
			fi.substr.Scan(s, sc.mark)
		} else {
			sc.casedText, sc.confirm = v.Str, fi.confirm
			fi.substr.Scan(s, sc.markCased)
			sc.casedText, sc.confirm = "", nil
		}
	}
	if fi.hexRuns != nil {
		forHexRuns(s, func(key string) {
			for _, pos := range fi.hexRuns[key] {
				sc.mark(pos)
			}
		})
	}
	if fi.prefix != nil {
		fi.prefix.Match(s, sc.mark)
	}
	if fi.suffix != nil {
		fi.suffix.Match(s, sc.mark)
	}
}

// IndexStats describes the candidate index (for logs and benchmarks).
type IndexStats struct {
	Rules        int // compiled rules
	Always       int // rules evaluated on every event
	Fields       int // fields with index entries
	ExactKeys    int
	NumberKeys   int
	SubstrStates int // automaton states over all fields and keywords
	SubstrBytes  int // memory of the automata transition tables
	AffixBytes   int // memory of the prefix/suffix tries
}

// IndexStats reports the size of the candidate index; zero when disabled.
func (e *Engine) IndexStats() IndexStats {
	x := e.index
	if x == nil {
		return IndexStats{Rules: len(e.rules)}
	}
	st := IndexStats{Rules: x.nRules, Always: x.nAlways, Fields: len(x.fields)}
	for _, fi := range x.fields {
		st.ExactKeys += len(fi.exact) + len(fi.hexRuns)
		st.NumberKeys += len(fi.numbers)
		if fi.substr != nil {
			st.SubstrStates += fi.substr.States()
			st.SubstrBytes += fi.substr.Size()
		}
		for _, a := range []*automaton.Affixes{fi.prefix, fi.suffix} {
			if a != nil {
				st.AffixBytes += a.Size()
			}
		}
	}
	if x.keywords != nil {
		st.SubstrStates += x.keywords.States()
		st.SubstrBytes += x.keywords.Size()
	}
	return st
}
