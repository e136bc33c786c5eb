package sigma

// candidateIndex selects, per event, the rules that can possibly match.
type candidateIndex struct{}

func buildIndex(rules []*compiledRule) *candidateIndex { return nil }

func (x *candidateIndex) candidates(ev Event, sc *evalScratch) []int { return nil }

type evalScratch struct{}

func newEvalScratch(n int) *evalScratch { return &evalScratch{} }
func (sc *evalScratch) reset()          {}
