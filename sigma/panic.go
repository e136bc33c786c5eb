package sigma

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
)

// ErrInternal marks an error made from a recovered panic: a bug that one
// rule triggered, reported as that rule's load error so that the rest of
// the rule set still loads and a running daemon keeps running.
var ErrInternal = errors.New("internal error")

// Isolate runs fn and returns its error. A panic inside fn is recovered and
// returned as an error wrapping ErrInternal that names the function, file
// and line where it happened. Loading and compiling run each file, rule and
// pipeline application under Isolate.
func Isolate(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicError(v)
		}
	}()
	return fn()
}

// panicError describes a recovered panic by its value and the first frame
// outside the runtime below the panic. Call it from the deferred function
// that recovered, while the panicking frames are still on the stack.
func panicError(v any) error {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			panicking = true
		case panicking && !strings.HasPrefix(f.Function, "runtime."):
			return fmt.Errorf("%w: panic: %v (in %s at %s:%d)", ErrInternal, v, f.Function, filepath.Base(f.File), f.Line)
		}
		if !more {
			return fmt.Errorf("%w: panic: %v", ErrInternal, v)
		}
	}
}
