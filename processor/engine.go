package processor

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// ErrRulesLoad marks a failure to read or compile the rule set; the daemon
// maps it to exit code 2.
var ErrRulesLoad = errors.New("rules could not be loaded")

// State is one loaded, compiled rule set with everything derived from it. A
// State is immutable once built; a reload builds a new State and swaps it in
// atomically, so events already being evaluated finish on the old one.
type State struct {
	Engine *sigma.Engine
	// Correlation holds the compiled correlations; never nil. Unlike the rest
	// of State it carries live window state (see correlationStep).
	Correlation *correlation.Engine
	Rejected    []*sigma.LoadError
	LoadedAt    time.Time
	Took        time.Duration

	events sync.Pool // *sigma.JSONEvent bound to Engine.Fields()
}

// LoadState reads and compiles the rules of s. A rule that cannot be loaded
// or compiled is kept in State.Rejected and does not fail the load; the error
// wraps ErrRulesLoad when a rule path cannot be read at all.
func LoadState(s Settings) (*State, error) { return LoadStateWith(s, nil) }

// LoadStateWith is LoadState with the dynamic sources of dyn (nil when the
// settings use none) available to the processing pipelines, which are
// applied to the loaded rules before they are compiled.
func LoadStateWith(s Settings, dyn *Dynamic) (*State, error) {
	start := time.Now()
	all := &sigma.RuleSet{}
	for _, path := range s.Rules {
		rs, err := sigma.LoadPath(path)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrRulesLoad, err)
		}
		all.Merge(rs)
	}
	if err := applyPipelines(s.Dynamic, dyn, all); err != nil { // dynamic.go
		return nil, fmt.Errorf("%w: %w", ErrRulesLoad, err)
	}
	eng, rejected, err := sigma.Compile(all, s.Compile)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRulesLoad, err)
	}
	corr, corrRejected := compileCorrelations(all, eng, s.Correlation)
	st := &State{
		Engine:      eng,
		Correlation: corr,
		Rejected:    append(append(all.Rejected, rejected...), corrRejected...),
		LoadedAt:    time.Now(),
	}
	st.Took = st.LoadedAt.Sub(start)
	return st, nil
}

// jsonEvent takes a reusable JSON event bound to this state's field table.
func (st *State) jsonEvent() *sigma.JSONEvent {
	if ev, ok := st.events.Get().(*sigma.JSONEvent); ok {
		return ev
	}
	return sigma.NewJSONEvent(st.Engine.Fields())
}

func (st *State) releaseJSONEvent(ev *sigma.JSONEvent) { st.events.Put(ev) }
