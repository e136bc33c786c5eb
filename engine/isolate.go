package engine

import (
	"fmt"
	"runtime/debug"
	"sync/atomic"
)

// EvaluationError is the Output.Err of an event whose evaluation panicked
// (a defect in a matcher, a transformation or the correlation step, never
// expected): the line goes to the DLQ with this error, what the event had
// produced is dropped, and the stream goes on. Its text is the DLQ entry's
// `error` value: "evaluation error: panic: <value>".
type EvaluationError struct {
	// Value is what the evaluation panicked with.
	Value any
	// Stack is the goroutine's stack where it panicked.
	Stack []byte
}

func (e *EvaluationError) Error() string { return fmt.Sprintf("evaluation error: panic: %v", e.Value) }

// isolate runs fn, the evaluation of one event, and returns the panic it
// raised as an *EvaluationError. The state fn leaves half-written must be
// dropped by the caller: the sigma engine drops its scratch (it returns it
// to its pool only after a complete evaluation), and callers neither
// release a panicked event's pooled parts nor keep its outputs.
func isolate(fn func()) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &EvaluationError{Value: v, Stack: debug.Stack()}
		}
	}()
	fn()
	return nil
}

// evaluationPanics counts the panicked evaluations of the process, to log
// the first ones with their stack and then one in a thousand.
var evaluationPanics atomic.Int64

// evaluationFailed marks line for the DLQ with err in place of the outputs
// its event appended to out from before on, and logs it.
func (e *Evaluator) evaluationFailed(line int, err error, out []Output, before int) []Output {
	if n := evaluationPanics.Add(1); n <= 10 || n%1000 == 0 {
		stack := ""
		if ee, ok := err.(*EvaluationError); ok {
			stack = string(ee.Stack)
		}
		e.log.Errorf("event %d of the batch goes to the DLQ: %v (%d so far)\n%s", line, err, n, stack)
	}
	clear(out[before:])
	return append(out[:before], Output{Line: line, Err: err})
}
