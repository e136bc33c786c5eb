package config

import (
	"errors"
	"fmt"
)

// Exit codes of `engine daemon` (spec/daemon.md §2.1).
const (
	ExitOK     = 0
	ExitRules  = 2 // the rules path could not be read or the initial rules not loaded
	ExitConfig = 3 // any configuration or usage error
)

// ExitError is an error that ends the daemon with Code. Its message is printed
// as one line on stderr.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode implements urfave/cli's ExitCoder.
func (e *ExitError) ExitCode() int { return e.Code }

// Configf returns an ExitError with code 3.
func Configf(format string, args ...any) *ExitError {
	return &ExitError{Code: ExitConfig, Err: fmt.Errorf(format, args...)}
}

// CodeOf returns the exit code err asks for: its ExitError code, or 3.
func CodeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitConfig
}
