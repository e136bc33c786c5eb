package engine

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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
	// Warnings are findings that do not reject a rule (duplicate ids, a
	// filter that applies to no rule, a placeholder no pipeline defines),
	// each naming file and rule.
	Warnings []string
	LoadedAt time.Time
	Took     time.Duration

	events     sync.Pool    // *sigma.JSONEvent bound to Engine.Fields()
	eventsMade atomic.Int64 // JSON events made because the pool had none
}

// Load reads and compiles the rules of s. A rule that cannot be loaded
// or compiled is kept in State.Rejected and does not fail the load (see
// StartupError and ReloadError for the policies that do); the error wraps
// ErrRulesLoad when a rule path cannot be read at all.
func Load(s Settings) (*State, error) { return LoadWith(s, nil) }

// LoadWith is Load with the dynamic sources of dyn (nil when the
// settings use none) available to the processing pipelines, which are
// applied to the loaded rules before they are compiled. Each rule file is
// read once, however many rule paths reach it. A panic outside any single
// rule fails the load with an error wrapping ErrRulesLoad and
// sigma.ErrInternal instead of crashing.
func LoadWith(s Settings, dyn *Dynamic) (st *State, err error) {
	err = sigma.Isolate(func() error {
		st, err = loadState(s, dyn)
		return err
	})
	if err != nil && !errors.Is(err, ErrRulesLoad) {
		err = fmt.Errorf("%w: %w", ErrRulesLoad, err)
	}
	return st, err
}

func loadState(s Settings, dyn *Dynamic) (*State, error) {
	start := time.Now()
	all, err := sigma.LoadPaths(s.Rules)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRulesLoad, err)
	}
	warnings := append(all.Warnings(), all.ApplyFilters()...)
	placeholders, err := applyPipelines(s.Dynamic, dyn, all) // dynamic.go
	if err != nil {
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
		Warnings:    append(warnings, placeholders...),
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
	st.eventsMade.Add(1)
	return sigma.NewJSONEvent(st.Engine.Fields())
}

func (st *State) releaseJSONEvent(ev *sigma.JSONEvent) { st.events.Put(ev) }
