package sigma

import (
	"errors"
	"strings"
)

// ErrRulesPath is returned (wrapped) by LoadPath when the rules path itself is
// missing or unreadable. Problems inside individual documents never produce it;
// they are collected in RuleSet.Rejected.
var ErrRulesPath = errors.New("rules path unreadable")

// LoadError describes one document or rule that could not be loaded or
// compiled. File is the source file, Rule the rule's title (or id, or
// "document N" when neither is known), Path the YAML path of the offending item
// (for example "detection.selection.Image|foo"); any of them may be empty.
type LoadError struct {
	File string
	Rule string
	Path string
	Err  error
}

// Error renders "file: rule: path: cause", leaving out empty parts.
func (e *LoadError) Error() string {
	var b strings.Builder
	for _, part := range []string{e.File, e.Rule, e.Path} {
		if part != "" {
			b.WriteString(part)
			b.WriteString(": ")
		}
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("unknown error")
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *LoadError) Unwrap() error { return e.Err }

// pathError is an error located at a YAML path inside a rule; the loader turns
// it into a LoadError with the file and rule filled in.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return e.path + ": " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

// atPath wraps err with the YAML path where it happened. An error that already
// carries a path is returned unchanged (the innermost path is the precise one).
func atPath(path string, err error) error {
	var pe *pathError
	if errors.As(err, &pe) {
		return err
	}
	return &pathError{path: path, err: err}
}

// splitPathError separates a located error into path and cause.
func splitPathError(err error) (string, error) {
	var pe *pathError
	if errors.As(err, &pe) {
		return pe.path, pe.err
	}
	return "", err
}
