package engine

import (
	"fmt"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// A loaded State keeps every rejected rule in State.Rejected; whether the
// load may serve despite them depends on when it happens (daemon.md §3.1
// `-r`, §8).

// StartupError is the error a first load of st fails with, or nil when it
// may serve: rejected rules are logged and the rest serves, but a load
// without a single detection rule fails (every rule rejected, or none
// found), and with strict any rejection fails. The error wraps
// ErrRulesLoad and names file, rule and YAML path of the rejections.
func (st *State) StartupError(strict bool, paths []string) error {
	switch {
	case strict && len(st.Rejected) > 0:
		return rejectionError("%d rule(s) rejected (strict rules)", st.Rejected)
	case len(st.Engine.Rules()) > 0:
		return nil
	case len(st.Rejected) > 0:
		return rejectionError("all %d rule(s) rejected", st.Rejected)
	}
	return fmt.Errorf("%w: no rules found in %s", ErrRulesLoad, strings.Join(paths, ", "))
}

// ReloadError is the error a reload of st fails with, or nil: any rejected
// rule fails a reload, so that a rule that stops compiling never silently
// disappears from a running rule set; the previous State keeps serving.
func (st *State) ReloadError() error {
	if len(st.Rejected) > 0 {
		return rejectionError("%d rule(s) rejected", st.Rejected)
	}
	return nil
}

// maxListedRejections bounds the rejections an error message lists.
const maxListedRejections = 5

// rejectionError lists rejected after the heading, which holds one %d for
// their number.
func rejectionError(heading string, rejected []*sigma.LoadError) error {
	var b strings.Builder
	fmt.Fprintf(&b, heading+": ", len(rejected))
	for i, le := range rejected {
		if i == maxListedRejections {
			fmt.Fprintf(&b, "; and %d more", len(rejected)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(le.Error())
	}
	return fmt.Errorf("%w: %s", ErrRulesLoad, b.String())
}
