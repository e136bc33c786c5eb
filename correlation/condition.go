package correlation

import (
	"fmt"
	"math"
	"strconv"
)

// Op is a threshold comparison operator.
type Op uint8

// Threshold operators (correlation.md §4.1).
const (
	OpGT Op = iota + 1
	OpGTE
	OpLT
	OpLTE
	OpEQ
	OpNEQ
)

var opNames = map[string]Op{"gt": OpGT, "gte": OpGTE, "lt": OpLT, "lte": OpLTE, "eq": OpEQ, "neq": OpNEQ}

var opSymbols = [...]string{OpGT: ">", OpGTE: ">=", OpLT: "<", OpLTE: "<=", OpEQ: "==", OpNEQ: "!="}

// Predicate is one `<op>: <threshold>` entry of a condition.
type Predicate struct {
	Op        Op
	Threshold float64
}

// String renders the predicate as e.g. ">= 3".
func (p Predicate) String() string {
	return opSymbols[p.Op] + " " + strconv.FormatFloat(p.Threshold, 'f', -1, 64)
}

// Holds reports whether v satisfies the predicate. eq/neq compare integral
// thresholds exactly and others with a 1e-9 relative tolerance.
func (p Predicate) Holds(v float64) bool {
	switch p.Op {
	case OpGT:
		return v > p.Threshold
	case OpGTE:
		return v >= p.Threshold
	case OpLT:
		return v < p.Threshold
	case OpLTE:
		return v <= p.Threshold
	case OpEQ:
		return approxEqual(v, p.Threshold)
	case OpNEQ:
		return !approxEqual(v, p.Threshold)
	}
	return false
}

func approxEqual(v, t float64) bool {
	if t == math.Trunc(t) && v == math.Trunc(v) {
		return v == t
	}
	scale := math.Max(math.Abs(v), math.Abs(t))
	return math.Abs(v-t) <= 1e-9*scale
}

// Condition is a correlation's `condition:`: either threshold predicates
// (all must hold) or, for temporal types, a boolean expression over rule
// references.
type Condition struct {
	Predicates []Predicate
	// Fields is `condition.field` (value_count may list several).
	Fields []string
	// Percentile is `condition.percentile` (0..100) for value_percentile.
	Percentile float64
	// Expr is the expression form; nil for the threshold form.
	Expr *Expr
	// Defaulted is true when the rule had no condition and the temporal
	// default (all referenced rules) applies.
	Defaulted bool
}

// holds reports whether every predicate holds for v.
func (c *Condition) holds(v float64) bool {
	for _, p := range c.Predicates {
		if !p.Holds(v) {
			return false
		}
	}
	return true
}

// String renders the threshold predicates joined by " and ", or the
// expression text.
func (c *Condition) String() string {
	if c.Expr != nil {
		return c.Expr.String()
	}
	s := ""
	for i, p := range c.Predicates {
		if i > 0 {
			s += " and "
		}
		s += p.String()
	}
	return s
}

// parseThreshold reads a threshold scalar as float64.
func parseThreshold(text string) (float64, error) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("threshold %q is not a number", text)
	}
	return f, nil
}
