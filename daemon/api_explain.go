package daemon

import (
	"context"
	"io"

	"github.com/rsigma-connect/rsigma-connect/engine"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// mountExplain registers POST /api/v1/explain: the events of the body
// explained against the live rules and correlation state, without being
// fed to the stream (docs/http-api.md "Explain").
func (d *daemon) mountExplain() {
	server.HandleExplain(d.mux, d.explain)
}

func (d *daemon) explain(body []byte, rule string) (server.ExplainAnswer, error) {
	evs := d.hub.Evaluators()
	if len(evs) == 0 {
		return server.ExplainAnswer{}, server.ErrExplainNotReady
	}
	ev := evs[0]
	keep, err := ruleFilter(ev.State().Engine, rule) // explain.go
	if err != nil {
		return server.ExplainAnswer{}, err
	}
	events, err := explainInput(body)
	if err != nil {
		return server.ExplainAnswer{}, err
	}
	report := explainEvents(context.Background(), ev, events, keep, false)
	return server.ExplainAnswer{JSON: report, Text: func(w io.Writer) error { return engine.WriteExplainText(w, report) }}, nil
}
