package pipeline

import (
	"fmt"
	"strings"
	"unicode"
)

// condExpr is a parsed boolean expression over condition ids
// (`rule_cond_expr: "a and not (b or c)"`). Leaves are indexes into the
// condition list the expression was parsed against.
type condExpr interface {
	eval(leaf func(i int) bool) bool
}

type exprLeaf int
type exprNot struct{ x condExpr }
type exprAnd struct{ a, b condExpr }
type exprOr struct{ a, b condExpr }

func (e exprLeaf) eval(leaf func(int) bool) bool { return leaf(int(e)) }
func (e exprNot) eval(leaf func(int) bool) bool  { return !e.x.eval(leaf) }
func (e exprAnd) eval(leaf func(int) bool) bool  { return e.a.eval(leaf) && e.b.eval(leaf) }
func (e exprOr) eval(leaf func(int) bool) bool   { return e.a.eval(leaf) || e.b.eval(leaf) }

// parseCondExpr parses src; ids maps each condition id to its index. An
// unknown id is an error (rsigma treats it as false, which hides typos).
func parseCondExpr(src string, ids map[string]int) (condExpr, error) {
	toks, err := tokenizeExpr(src)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks, ids: ids}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q in condition expression %q", p.toks[p.pos], src)
	}
	return e, nil
}

func tokenizeExpr(src string) ([]string, error) {
	var toks []string
	for i := 0; i < len(src); {
		c := rune(src[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		default:
			j := i
			for j < len(src) && !unicode.IsSpace(rune(src[j])) && src[j] != '(' && src[j] != ')' {
				j++
			}
			toks = append(toks, src[i:j])
			i = j
		}
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("empty condition expression")
	}
	return toks, nil
}

type exprParser struct {
	toks []string
	pos  int
	ids  map[string]int
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *exprParser) or() (condExpr, error) {
	l, err := p.and()
	for err == nil && strings.EqualFold(p.peek(), "or") {
		p.pos++
		var r condExpr
		if r, err = p.and(); err == nil {
			l = exprOr{l, r}
		}
	}
	return l, err
}

func (p *exprParser) and() (condExpr, error) {
	l, err := p.unary()
	for err == nil && strings.EqualFold(p.peek(), "and") {
		p.pos++
		var r condExpr
		if r, err = p.unary(); err == nil {
			l = exprAnd{l, r}
		}
	}
	return l, err
}

func (p *exprParser) unary() (condExpr, error) {
	t := p.peek()
	switch {
	case t == "":
		return nil, fmt.Errorf("condition expression ends unexpectedly")
	case strings.EqualFold(t, "not"):
		p.pos++
		x, err := p.unary()
		return exprNot{x}, err
	case t == "(":
		p.pos++
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing ')' in condition expression")
		}
		p.pos++
		return x, nil
	case t == ")" || strings.EqualFold(t, "and") || strings.EqualFold(t, "or"):
		return nil, fmt.Errorf("unexpected %q in condition expression", t)
	}
	p.pos++
	i, ok := p.ids[t]
	if !ok {
		return nil, fmt.Errorf("condition expression references unknown condition id %q", t)
	}
	return exprLeaf(i), nil
}
