package correlation

import (
	"fmt"
	"strings"
	"unicode"
)

// Expr is a boolean expression over rule references, the string form of a
// temporal condition (correlation.md §4.3).
type Expr struct {
	op    exprOp
	ident string // exprIdent
	args  []*Expr
	// slot is the index of ident in the correlation's reference list,
	// assigned by Compile.
	slot int
}

type exprOp uint8

const (
	exprIdent exprOp = iota
	exprAnd
	exprOr
	exprNot
)

// String renders the expression fully parenthesised.
func (e *Expr) String() string {
	switch e.op {
	case exprIdent:
		return e.ident
	case exprNot:
		return "not " + e.args[0].String()
	}
	word := " and "
	if e.op == exprOr {
		word = " or "
	}
	parts := make([]string, len(e.args))
	for i, a := range e.args {
		parts[i] = a.String()
	}
	return "(" + strings.Join(parts, word) + ")"
}

// Idents returns the distinct identifiers in order of first appearance.
func (e *Expr) Idents() []string {
	var out []string
	seen := map[string]bool{}
	var walk func(*Expr)
	walk = func(x *Expr) {
		if x.op == exprIdent {
			if !seen[x.ident] {
				seen[x.ident] = true
				out = append(out, x.ident)
			}
			return
		}
		for _, a := range x.args {
			walk(a)
		}
	}
	walk(e)
	return out
}

// eval evaluates the expression; hit reports whether reference slot i has at
// least one hit in the window.
func (e *Expr) eval(hit func(slot int) bool) bool {
	switch e.op {
	case exprIdent:
		return hit(e.slot)
	case exprNot:
		return !e.args[0].eval(hit)
	case exprAnd:
		for _, a := range e.args {
			if !a.eval(hit) {
				return false
			}
		}
		return true
	default:
		for _, a := range e.args {
			if a.eval(hit) {
				return true
			}
		}
		return false
	}
}

// bind assigns reference slots to identifiers; slotOf returns -1 for names
// that are not references.
func (e *Expr) bind(slotOf func(string) int) error {
	if e.op == exprIdent {
		e.slot = slotOf(e.ident)
		if e.slot < 0 {
			return fmt.Errorf("condition names %q, which is not in rules", e.ident)
		}
		return nil
	}
	for _, a := range e.args {
		if err := a.bind(slotOf); err != nil {
			return err
		}
	}
	return nil
}

// ParseExpr parses `a and (b or not c)`: precedence not > and > or,
// case-insensitive keywords, identifiers of letters, digits, '_', '-', '.'.
// Selector forms such as `1 of x*` are rejected.
func ParseExpr(s string) (*Expr, error) {
	p := &exprParser{toks: tokenizeExpr(s)}
	if len(p.toks) == 0 {
		return nil, fmt.Errorf("empty condition expression")
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("condition %q: unexpected %q", s, p.toks[p.pos])
	}
	return e, nil
}

type exprParser struct {
	toks []string
	pos  int
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *exprParser) or() (*Expr, error) {
	return p.binary(exprOr, "or", p.and)
}

func (p *exprParser) and() (*Expr, error) {
	return p.binary(exprAnd, "and", p.unary)
}

func (p *exprParser) binary(op exprOp, word string, next func() (*Expr, error)) (*Expr, error) {
	first, err := next()
	if err != nil {
		return nil, err
	}
	args := []*Expr{first}
	for strings.EqualFold(p.peek(), word) {
		p.pos++
		e, err := next()
		if err != nil {
			return nil, err
		}
		args = append(args, e)
	}
	if len(args) == 1 {
		return first, nil
	}
	return &Expr{op: op, args: args}, nil
}

func (p *exprParser) unary() (*Expr, error) {
	tok := p.peek()
	switch {
	case tok == "":
		return nil, fmt.Errorf("condition ends unexpectedly")
	case strings.EqualFold(tok, "not"):
		p.pos++
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Expr{op: exprNot, args: []*Expr{e}}, nil
	case tok == "(":
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("condition: missing ')'")
		}
		p.pos++
		return e, nil
	case tok == ")" || strings.EqualFold(tok, "and") || strings.EqualFold(tok, "or"):
		return nil, fmt.Errorf("condition: unexpected %q", tok)
	case strings.EqualFold(tok, "all") || strings.EqualFold(tok, "them") || isDigits(tok) ||
		strings.ContainsAny(tok, "*|"):
		return nil, fmt.Errorf("condition: selector %q is not allowed in a correlation condition", tok)
	}
	p.pos++
	return &Expr{op: exprIdent, ident: tok}, nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func tokenizeExpr(s string) []string {
	var toks []string
	cur := strings.Builder{}
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			flush()
		case r == '(' || r == ')':
			flush()
			toks = append(toks, string(r))
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return toks
}
