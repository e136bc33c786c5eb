package engine

import (
	"sync"
	"sync/atomic"

	"github.com/rsigma-connect/rsigma-connect/logsource"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// watchEvents is how many events the contradiction watch looks at.
const watchEvents = 10000

// contradictionWatch looks, with logsource routing off, at the detections
// of the stream's first watchEvents events and, when some contradict their
// event's recognized logsource (detections routing would not have made),
// logs one WARN naming the rule with the most of them and suggesting
// --logsource-routing. It reports once: when the last watched event is
// seen, or at Close when the stream had fewer events. Only events with
// detections are recognized, so it costs nothing on the others.
type contradictionWatch struct {
	done atomic.Bool

	mu          sync.Mutex
	events      int
	detections  int
	contradicts int
	byRule      map[*sigma.Rule]int
	key         map[*sigma.Rule]logsource.Key // an event the rule contradicted, for the message
	st          *State                        // the state of those Keys
}

// observe looks at one event and its detections under st; it reports
// when the watch is complete.
func (w *contradictionWatch) observe(st *State, ev sigma.Event, matches []sigma.Match, log Logger) {
	if w.done.Load() || st.routing.on {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done.Load() {
		return
	}
	w.events++
	if len(matches) > 0 {
		k := st.routing.rec.Recognize(ev)
		for i := range matches {
			w.detections++
			r := matches[i].Rule
			if !st.routing.rec.Fits(st.routing.logsource(r), k) {
				if w.byRule == nil || w.st != st { // a reload: Keys of the old state mean nothing to the new
					w.byRule, w.key, w.st = map[*sigma.Rule]int{}, map[*sigma.Rule]logsource.Key{}, st
				}
				w.contradicts++
				w.byRule[r]++
				w.key[r] = k
			}
		}
	}
	if w.events >= watchEvents {
		w.reportLocked(log)
	}
}

// finish reports what the watch saw so far, unless it already did.
func (w *contradictionWatch) finish(log Logger) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done.Load() {
		w.reportLocked(log)
	}
}

func (w *contradictionWatch) reportLocked(log Logger) {
	w.done.Store(true)
	if w.contradicts == 0 {
		return
	}
	var top *sigma.Rule
	for r, n := range w.byRule {
		if top == nil || n > w.byRule[top] || n == w.byRule[top] && r.Title < top.Title {
			top = r
		}
	}
	log.Warnf("logsource: %d of the %d detections in the first %d events contradict their event's recognized logsource; "+
		"most come from rule %q (id %s, %s): %d detections, e.g. %s. "+
		"--logsource-routing (processor field logsource_routing: true) evaluates a rule only on events its logsource fits",
		w.contradicts, w.detections, w.events, top.Title, top.ID, top.File, w.byRule[top],
		w.st.routing.rec.Contradiction(w.st.routing.logsource(top), w.key[top]))
	w.byRule, w.key, w.st = nil, nil, nil
}
