package enrich

import (
	"context"
	"sync/atomic"
)

// Stage is the enrichment stage of a running daemon: the current enricher
// set plus a build-then-swap reload from its file.
type Stage struct {
	path string
	opts Options
	cur  atomic.Pointer[Set]
}

// NewStage loads path; an invalid file is an error (exit 3 at startup).
func NewStage(path string, opts Options) (*Stage, error) {
	set, err := Load(path, opts)
	if err != nil {
		return nil, err
	}
	st := &Stage{path: path, opts: opts}
	st.cur.Store(set)
	return st, nil
}

// Reload re-reads the file and swaps the new set in. On error the previous
// set stays active and the error is returned.
func (st *Stage) Reload() error {
	set, err := Load(st.path, st.opts)
	if err != nil {
		return err
	}
	st.cur.Store(set)
	return nil
}

// Current returns the active set.
func (st *Stage) Current() *Set { return st.cur.Load() }

// Enrich enriches t with the active set (see Set.Enrich).
func (st *Stage) Enrich(ctx context.Context, t *Target) ([]Value, bool) {
	return st.Current().Enrich(ctx, t)
}
