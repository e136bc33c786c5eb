package sigma

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Condition is one entry of a rule's `condition:`: the text as written and its
// parsed expression (which filters and pipelines may extend).
type Condition struct {
	Text string
	Expr *CondNode
}

// CondOp is the operator of a condition node.
type CondOp uint8

// Condition operators.
const (
	CondIdent    CondOp = iota // a search identifier (Name)
	CondAnd                    // all Args
	CondOr                     // any of Args
	CondNot                    // negation of Args[0]
	CondSelector               // `N of pattern`, `all of pattern`, `N of them`
)

// CondNode is a node of a parsed condition.
type CondNode struct {
	Op   CondOp
	Name string // identifier name, or selector pattern ("them" for all)
	// Count is the selector quantifier: 0 means `all`, n ≥ 1 means "at least n".
	Count int
	// Scope restricts a selector to search identifiers of that scope (see
	// Search.Scope); "" selects the rule's own identifiers.
	Scope string
	Args  []*CondNode
}

const (
	maxConditionLen   = 64 << 10
	maxConditionDepth = 64
)

var reservedWords = map[string]bool{"and": true, "or": true, "not": true, "of": true, "them": true, "all": true, "any": true}

// ParseCondition parses condition text into an expression tree (grammar in
// sigma-rules.md §8.1). It checks syntax only; identifiers are resolved by
// Detection.check.
func ParseCondition(text string) (*CondNode, error) {
	if len(text) > maxConditionLen {
		return nil, errors.New("condition longer than 64 KiB")
	}
	p := &condParser{src: text}
	if err := p.tokenize(); err != nil {
		return nil, err
	}
	n, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, p.errorf("unexpected %q", p.toks[p.pos].text)
	}
	return n, nil
}

type condToken struct {
	text string
	at   int
}

type condParser struct {
	src  string
	toks []condToken
	pos  int
}

func (p *condParser) errorf(format string, args ...any) error {
	at := len(p.src)
	if p.pos < len(p.toks) {
		at = p.toks[p.pos].at
	}
	return fmt.Errorf("condition %q at offset %d: %s", p.src, at, fmt.Sprintf(format, args...))
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '-' || c == '*' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (p *condParser) tokenize() error {
	s := p.src
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			p.toks = append(p.toks, condToken{s[i : i+1], i})
			i++
		case isIdentByte(c):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			p.toks = append(p.toks, condToken{s[i:j], i})
			i = j
		case c == '|':
			return fmt.Errorf("condition %q at offset %d: legacy aggregation with '|' is not supported; use a correlation rule", s, i)
		default:
			return fmt.Errorf("condition %q at offset %d: unexpected character %q", s, i, c)
		}
	}
	if len(p.toks) == 0 {
		return fmt.Errorf("empty condition")
	}
	return nil
}

func (p *condParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos].text
	}
	return ""
}

func (p *condParser) parseOr(depth int) (*CondNode, error) {
	return p.parseChain(depth, "or", CondOr, p.parseAnd)
}

func (p *condParser) parseAnd(depth int) (*CondNode, error) {
	return p.parseChain(depth, "and", CondAnd, p.parseNot)
}

// parseChain parses `sub { word sub }` and flattens it into one node.
func (p *condParser) parseChain(depth int, word string, op CondOp, sub func(int) (*CondNode, error)) (*CondNode, error) {
	first, err := sub(depth)
	if err != nil {
		return nil, err
	}
	args := []*CondNode{first}
	for p.peek() == word {
		p.pos++
		next, err := sub(depth)
		if err != nil {
			return nil, err
		}
		if next.Op == op {
			args = append(args, next.Args...)
		} else {
			args = append(args, next)
		}
	}
	if len(args) == 1 {
		return first, nil
	}
	if first.Op == op {
		args = append(append([]*CondNode{}, first.Args...), args[1:]...)
	}
	return &CondNode{Op: op, Args: args}, nil
}

func (p *condParser) parseNot(depth int) (*CondNode, error) {
	if depth > maxConditionDepth {
		return nil, p.errorf("nesting deeper than %d", maxConditionDepth)
	}
	if p.peek() == "not" {
		p.pos++
		inner, err := p.parseNot(depth + 1)
		if err != nil {
			return nil, err
		}
		return &CondNode{Op: CondNot, Args: []*CondNode{inner}}, nil
	}
	return p.parsePrimary(depth)
}

func (p *condParser) parsePrimary(depth int) (*CondNode, error) {
	tok := p.peek()
	switch {
	case tok == "":
		return nil, p.errorf("unexpected end of condition")
	case tok == "(":
		p.pos++
		inner, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, p.errorf("missing ')'")
		}
		p.pos++
		return inner, nil
	case tok == ")":
		return nil, p.errorf("unexpected ')'")
	}
	if p.pos+1 < len(p.toks) && p.toks[p.pos+1].text == "of" {
		return p.parseSelector()
	}
	switch {
	case tok == "near":
		return nil, p.errorf("legacy 'near' aggregation is not supported; use a correlation rule")
	case reservedWords[tok]:
		return nil, p.errorf("unexpected keyword %q", tok)
	case strings.Contains(tok, "*"):
		return nil, p.errorf("wildcard %q is only allowed after 'of'", tok)
	}
	p.pos++
	if p.peek() == "near" {
		return nil, p.errorf("legacy 'near' aggregation is not supported; use a correlation rule")
	}
	return &CondNode{Op: CondIdent, Name: tok}, nil
}

func (p *condParser) parseSelector() (*CondNode, error) {
	quant := p.peek()
	count := 0
	switch quant {
	case "all":
	case "any":
		count = 1
	default:
		n, err := strconv.Atoi(quant)
		if err != nil || n < 0 || strings.HasPrefix(quant, "+") {
			return nil, p.errorf("invalid quantifier %q (want 1, any, all or a number)", quant)
		}
		if n == 0 {
			return nil, p.errorf("quantifier '0 of' never makes sense")
		}
		count = n
	}
	p.pos += 2 // quantifier and "of"
	target := p.peek()
	if target == "" || target == "(" || target == ")" || (reservedWords[target] && target != "them") {
		return nil, p.errorf("'of' must be followed by 'them' or an identifier pattern")
	}
	p.pos++
	return &CondNode{Op: CondSelector, Name: target, Count: count}, nil
}

// String renders the expression back as condition text.
func (n *CondNode) String() string {
	switch n.Op {
	case CondIdent:
		return n.Name
	case CondNot:
		return "not " + n.Args[0].parenString()
	case CondSelector:
		q := "all"
		if n.Count > 0 {
			q = strconv.Itoa(n.Count)
		}
		if n.Scope != "" && n.Name == "them" {
			return q + " of " + n.Scope + "*"
		}
		return q + " of " + n.Scope + n.Name
	}
	word := " and "
	if n.Op == CondOr {
		word = " or "
	}
	parts := make([]string, len(n.Args))
	for i, a := range n.Args {
		parts[i] = a.parenString()
	}
	return strings.Join(parts, word)
}

func (n *CondNode) parenString() string {
	if n.Op == CondAnd || n.Op == CondOr {
		return "(" + n.String() + ")"
	}
	return n.String()
}

// selects reports whether selector n selects search s (sigma-rules.md §8.2):
// same scope, name matching the pattern, `_` names only for `_` patterns.
func (n *CondNode) selects(s *Search) bool {
	if s.Scope != n.Scope {
		return false
	}
	name := strings.TrimPrefix(s.Name, s.Scope)
	if n.Name == "them" {
		return !strings.HasPrefix(name, "_")
	}
	if strings.HasPrefix(name, "_") && !strings.HasPrefix(n.Name, "_") {
		return false
	}
	return globMatchNames(n.Name, name)
}

// globMatchNames matches an identifier pattern where `*` is any sequence and
// every other character is literal.
func globMatchNames(pattern, name string) bool {
	segs := strings.Split(pattern, "*")
	if len(segs) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, segs[0]) {
		return false
	}
	rest := name[len(segs[0]):]
	for _, seg := range segs[1 : len(segs)-1] {
		i := strings.Index(rest, seg)
		if i < 0 {
			return false
		}
		rest = rest[i+len(seg):]
	}
	return strings.HasSuffix(rest, segs[len(segs)-1])
}

// resolveSelector returns the indexes of the searches selector n selects.
func (d *Detection) resolveSelector(n *CondNode) []int {
	var idx []int
	for i, s := range d.Searches {
		if n.selects(s) {
			idx = append(idx, i)
		}
	}
	return idx
}

// checkExpr verifies that every identifier exists and every selector selects
// at least one search identifier.
func (d *Detection) checkExpr(n *CondNode) error {
	switch n.Op {
	case CondIdent:
		if d.Search(n.Name) == nil {
			return fmt.Errorf("condition references undefined search identifier %q", n.Name)
		}
	case CondSelector:
		if len(d.resolveSelector(n)) == 0 {
			return fmt.Errorf("condition selector %q matches no search identifier", n.String())
		}
	default:
		for _, a := range n.Args {
			if err := d.checkExpr(a); err != nil {
				return err
			}
		}
	}
	return nil
}
