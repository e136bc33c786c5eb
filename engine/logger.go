package engine

// Logger receives the Evaluator's log lines (rejected rules, warnings,
// state persistence). The framework's *service.Logger implements it; nil
// discards them.
type Logger interface {
	Debugf(format string, args ...any)
	Infof(format string, args ...any)
	Warnf(format string, args ...any)
	Errorf(format string, args ...any)
}

// quiet is the Logger of an Evaluator built without one.
type quiet struct{}

func (quiet) Debugf(string, ...any) {}
func (quiet) Infof(string, ...any)  {}
func (quiet) Warnf(string, ...any)  {}
func (quiet) Errorf(string, ...any) {}
