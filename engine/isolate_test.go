package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// panicEvent is an event that answers its first lookups from a real event
// and then panics, as a defect in a matcher or an event implementation
// would half-way through an evaluation (after the candidate index marked
// rules in the engine's scratch).
type panicEvent struct {
	inner sigma.Event
	calls *int
}

func (p panicEvent) Field(f *sigma.Field) sigma.Value {
	if *p.calls++; *p.calls > 2 {
		panic("field lookup exploded")
	}
	return p.inner.Field(f)
}
func (panicEvent) Keywords(func(v *sigma.Value) bool) bool { panic("keyword scan exploded") }
func (panicEvent) JSONView() *sigma.JSONEvent              { return nil }

// exploding is a decoded event that panics on its third field lookup; it
// fails the test if it is released to the pool.
func exploding(t *testing.T, st *State) decoded {
	t.Helper()
	inner := sigma.NewJSONEvent(st.Engine.Fields())
	if err := inner.Reset([]byte(`{"CommandLine":"whoami /all","EventID":4625,"TargetUserName":"u1"}`)); err != nil {
		t.Fatal(err)
	}
	return decoded{event: panicEvent{inner: inner, calls: new(int)}, onRelease: func() { t.Error("a panicked event was released to the pool") }}
}

// TestEvaluationPanicCostsOnlyItsEvent: an event whose evaluation panics,
// on the sequential path and on a detection worker, becomes its line's DLQ
// mark with an "evaluation error" (its pooled parts are not released, the
// outputs before it stay), and the evaluator then gives every later batch
// exactly what a fresh one gives: the engine's half-written scratch was
// dropped, not reused.
func TestEvaluationPanicCostsOnlyItsEvent(t *testing.T) {
	s, lines := mixedBatch(t)
	e := newTestEvaluator(t, s)
	st := e.State()

	sc := e.takeScratch()
	kept := Output{Line: 0, JSON: []byte(`{"earlier":1}`)}
	out := e.evaluateEvent(st, sc, 3, 0, exploding(t, st), []Output{kept})
	e.scratch.Put(sc)
	if len(out) != 2 || string(out[0].JSON) != `{"earlier":1}` || out[1].Line != 3 {
		t.Fatalf("sequential: outputs %+v, want the earlier output and line 3 marked", out)
	}
	var ee *EvaluationError
	if !errors.As(out[1].Err, &ee) || !strings.HasPrefix(ee.Error(), "evaluation error: panic: field lookup exploded") || len(ee.Stack) == 0 {
		t.Fatalf("sequential: error %v, want an EvaluationError with the panic and its stack", out[1].Err)
	}

	ws := e.takeScratch()
	var c detectedChunk
	e.detectEvent(st, ws, &c, 7, 0, exploding(t, st))
	e.scratch.Put(ws)
	if len(c.out) != 1 || c.out[0].Line != 7 || !errors.As(c.out[0].Err, &ee) || len(c.held) != 0 {
		t.Fatalf("worker: chunk outputs %+v held %d, want only line 7 marked", c.out, len(c.held))
	}

	fresh := newTestEvaluator(t, s) // the same batches in the same order: same correlation state
	for _, workers := range []int{1, 4} {
		e.settings.DetectWorkers, fresh.settings.DetectWorkers = workers, workers
		got, want := outputs(t, e, lines), outputs(t, fresh, lines)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("detect_workers %d: after the panics the evaluator gives %d outputs that differ from a fresh evaluator's %d", workers, len(got), len(want))
		}
	}
}
