package engine

import "github.com/rsigma-connect/rsigma-connect/sigma"

// ruleHits counts the detections of one batch per rule, so that the
// labelled counter, whose label lookup costs more than a detection's
// bookkeeping, is incremented once per rule and batch instead of once per
// detection. A batch matches few distinct rules, so a slice beats a map.
type ruleHits struct {
	rules []*sigma.Rule
	n     []int64
	total int64
}

func (h *ruleHits) add(r *sigma.Rule) {
	h.total++
	h.addN(r, 1)
}

// addN adds n detections of r to r's count (not to the total).
func (h *ruleHits) addN(r *sigma.Rule, n int64) {
	for i, x := range h.rules {
		if x == r {
			h.n[i] += n
			return
		}
	}
	h.rules = append(h.rules, r)
	h.n = append(h.n, n)
}

// merge adds o's counts to h and empties o.
func (h *ruleHits) merge(o *ruleHits) {
	for i, r := range o.rules {
		h.total += o.n[i]
		h.addN(r, o.n[i])
		o.rules[i] = nil
	}
	o.rules, o.n, o.total = o.rules[:0], o.n[:0], 0
}

// flush adds the counts to rsigma_detection_matches_total and
// rsigma_detection_matches_by_rule_total and empties h.
func (h *ruleHits) flush(m *metrics) {
	if h.total == 0 {
		return
	}
	m.detectionMatches.Incr(h.total)
	for i, r := range h.rules {
		m.matchesByRule.Incr(h.n[i], r.Title, levelLabel(r.Level))
		h.rules[i] = nil
	}
	h.rules, h.n, h.total = h.rules[:0], h.n[:0], 0
}
