package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/engine"
	"github.com/rsigma-connect/rsigma-connect/processor"
	"github.com/rsigma-connect/rsigma-connect/server"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// maxExplainInput is the most `engine explain` reads from its input.
const maxExplainInput = 16 << 20

// Explain runs `engine explain`: it loads the rules as the daemon would
// (exit 2 when none loads), reads events from in (one JSON document, even
// pretty-printed over several lines; else one event per line) and writes,
// per event, why each rule (or only x.Rule) did or did not match it, as
// text or JSON, to out. Events are explained in order and then evaluated,
// so that the correlation lateness of an event is against the events
// before it. Logs go to log.
func Explain(ctx context.Context, x config.Explain, in io.Reader, out io.Writer, log *slog.Logger) error {
	if len(x.Options.Rules) == 0 {
		return config.Configf("engine explain: give the rules (-r FILE|DIR)")
	}
	if err := preflightPipelines(x.Options); err != nil {
		return err
	}
	ev, err := explainEvaluator(x.Options, log)
	if err != nil {
		return err
	}
	defer func() { _ = ev.Close() }()
	keep, err := ruleFilter(ev.State().Engine, x.Rule)
	if err != nil {
		return config.Configf("--rule: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(in, maxExplainInput+1))
	if err != nil {
		return fmt.Errorf("reading the events: %w", err)
	}
	if len(data) > maxExplainInput {
		return config.Configf("engine explain: more than %d MiB of events", maxExplainInput>>20)
	}
	events, err := explainInput(data)
	if err != nil {
		return config.Configf("engine explain: %w", err)
	}
	report := explainEvents(ctx, ev, events, keep, true)
	if x.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	return engine.WriteExplainText(out, report)
}

// explainEvaluator builds an evaluator with the settings the daemon's
// processor would have for o.
func explainEvaluator(o *config.Options, log *slog.Logger) (*engine.Evaluator, error) {
	body, err := config.ProcessorYAML(o)
	if err != nil {
		return nil, config.Configf("%v", err)
	}
	settings, err := processor.ParseSettingsYAML(body)
	if err != nil {
		return nil, config.Configf("sigma processor: %v", err)
	}
	ev, err := engine.New(settings, engine.Options{Logger: slogPrintf{log}})
	if err != nil {
		return nil, &config.ExitError{Code: config.ExitRules, Err: err}
	}
	return ev, nil
}

// explainEvents explains each event in turn; with feed, it then evaluates
// it (results dropped), so that correlation sees the events in order. An
// event that does not decode is reported with its error.
func explainEvents(ctx context.Context, ev *engine.Evaluator, events [][]byte, keep func(*sigma.Rule) bool, feed bool) engine.ExplainReport {
	report := engine.ExplainReport{Events: []engine.ExplainedEvent{}}
	for i, text := range events {
		line := engine.Line{Text: text}
		xs, err := ev.Explain(line, keep)
		if err != nil {
			report.Events = append(report.Events, engine.ExplainedEvent{Input: i + 1, Error: err.Error()})
			continue
		}
		for _, e := range engine.Report(xs).Events {
			e.Input = i + 1
			report.Events = append(report.Events, e)
		}
		if feed {
			ev.Evaluate(ctx, []engine.Line{line}, nil)
		}
	}
	return report
}

// ruleFilter selects the rule whose id (else, for a rule without one,
// title) is rule; "" selects every rule. A rule that is not loaded is an
// error wrapping server.ErrExplainRule.
func ruleFilter(eng *sigma.Engine, rule string) (func(*sigma.Rule) bool, error) {
	if rule == "" {
		return nil, nil
	}
	keep := func(r *sigma.Rule) bool { return r.ID == rule || r.ID == "" && r.Title == rule }
	for _, r := range eng.Rules() {
		if keep(r) {
			return keep, nil
		}
	}
	return nil, fmt.Errorf("%w: %q is the id of no loaded detection rule (a correlation is explained through the rules it counts)", server.ErrExplainRule, rule)
}

// explainInput cuts data into events: the whole of it when it is one JSON
// value (pretty-printed or not), else its non-blank lines. No event is an
// error wrapping server.ErrExplainInput.
func explainInput(data []byte) ([][]byte, error) {
	if trimmed := bytes.TrimSpace(data); json.Valid(trimmed) {
		var compact bytes.Buffer
		if err := json.Compact(&compact, trimmed); err == nil {
			return [][]byte{compact.Bytes()}, nil
		}
	}
	var events [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			events = append(events, l)
		}
	}
	if len(events) == 0 {
		return nil, fmt.Errorf("%w: give one JSON event, or one event per line", server.ErrExplainInput)
	}
	return events, nil
}
