package enrich

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/internal/command"
)

// maxCommandStdout caps a command enricher's stdout (10 MB).
const maxCommandStdout = 10_000_000

// commandPrimitive runs argv directly (no shell) under the enricher's
// timeout; its stdout (JSON or raw text) is the value. At the timeout the
// command's whole process group is killed and the run fails, even when a
// background child was all that still held stdout (internal/command).
type commandPrimitive struct {
	argv []*template
	env  map[string]*template
	raw  bool
}

func newCommandPrimitive(r *rawEnricher, k Kind) (primitive, error) {
	if len(r.Command) == 0 || r.Command[0] == "" {
		return nil, errors.New("command: required argv list for type command")
	}
	p := &commandPrimitive{env: map[string]*template{}}
	for i, a := range r.Command {
		tpl, err := parseTemplate(a, k)
		if err != nil {
			return nil, fmt.Errorf("command[%d]: %v", i, err)
		}
		p.argv = append(p.argv, tpl)
	}
	for name, v := range r.Env {
		tpl, err := parseTemplate(v, k)
		if err != nil {
			return nil, fmt.Errorf("env.%s: %v", name, err)
		}
		p.env[name] = tpl
	}
	switch r.Output {
	case "", "json":
	case "raw":
		p.raw = true
	default:
		return nil, fmt.Errorf("output: expected json or raw, got %q", r.Output)
	}
	return p, nil
}

func (p *commandPrimitive) run(ctx context.Context, t *Target) (any, error) {
	args := make([]string, len(p.argv))
	for i, a := range p.argv {
		args[i] = a.render(t, nil)
	}
	var env []string
	if len(p.env) > 0 {
		env = os.Environ()
		for k, v := range p.env {
			env = append(env, k+"="+v.render(t, nil))
		}
	}
	out, err := command.Run(ctx, args, env, command.Limits{Stdout: maxCommandStdout, Stderr: 4096})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: %v: %s", args[0], err, strings.TrimSpace(string(out.Stderr)))
	}
	if out.Overflow {
		return nil, fmt.Errorf("%s: stdout exceeds %d bytes", args[0], maxCommandStdout)
	}
	if p.raw {
		return strings.TrimRight(string(out.Stdout), "\r\n"), nil
	}
	var v any
	if err := json.Unmarshal(out.Stdout, &v); err != nil {
		return nil, fmt.Errorf("%s: output is not JSON: %v", args[0], err)
	}
	return v, nil
}
