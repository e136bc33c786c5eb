package enrich

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// maxCommandStdout caps a command enricher's stdout (10 MB).
const maxCommandStdout = 10_000_000

// commandPrimitive runs argv directly (no shell) under the enricher's
// timeout; its stdout (JSON or raw text) is the value.
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

// capped keeps at most max bytes and records overflow.
type capped struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); len(p) > room {
		c.over = true
		if room > 0 {
			c.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return c.buf.Write(p)
}

func (p *commandPrimitive) run(ctx context.Context, t *Target) (any, error) {
	args := make([]string, len(p.argv))
	for i, a := range p.argv {
		args[i] = a.render(t, nil)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	if len(p.env) > 0 {
		cmd.Env = os.Environ()
		for k, v := range p.env {
			cmd.Env = append(cmd.Env, k+"="+v.render(t, nil))
		}
	}
	stdout, stderr := &capped{max: maxCommandStdout}, &capped{max: 4096}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: %v: %s", args[0], err, strings.TrimSpace(stderr.buf.String()))
	}
	if stdout.over {
		return nil, fmt.Errorf("%s: stdout exceeds %d bytes", args[0], maxCommandStdout)
	}
	if p.raw {
		return strings.TrimRight(stdout.buf.String(), "\r\n"), nil
	}
	var v any
	if err := json.Unmarshal(stdout.buf.Bytes(), &v); err != nil {
		return nil, fmt.Errorf("%s: output is not JSON: %v", args[0], err)
	}
	return v, nil
}
