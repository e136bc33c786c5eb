// Package pipeline implements Sigma processing pipelines (pySigma's YAML
// format, pipelines.md): parsing and validation, priority ordering, `vars`,
// dynamic-source templating and the transformations that rewrite loaded
// rules before they are compiled. Pipelines run once per rule load, never
// per event.
package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"

	"gopkg.in/yaml.v3"
)

// ErrPipeline marks pipeline file errors (unreadable, malformed, unknown
// transformation or condition); callers turn it into a configuration error.
var ErrPipeline = errors.New("invalid pipeline")

// Pipeline is one parsed processing pipeline.
type Pipeline struct {
	// Name is the `name:` key ("unnamed" when absent).
	Name string
	// Priority orders pipelines: lower runs first (default 0).
	Priority int
	// File is the path the pipeline came from, or "builtin:<name>".
	File string
	// Vars are the placeholder variables, in file order. Values may still
	// hold ${source.*} references until Resolve runs.
	Vars []Var
	// Items are the processing items in file order.
	Items []*Item
}

// Var is one `vars:` entry.
type Var struct {
	Name   string
	Values []string
}

// Load reads and parses a pipeline file.
func Load(path string) (*Pipeline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrPipeline, path, err)
	}
	return Parse(path, data)
}

// Parse parses a pipeline document; file names it in errors. Every error
// wraps ErrPipeline.
func Parse(file string, data []byte) (*Pipeline, error) {
	p, err := parse(file, data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPipeline, err)
	}
	return p, nil
}

func parse(file string, data []byte) (*Pipeline, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	top, err := newParams(file, &doc)
	if err != nil {
		return nil, err
	}
	pl := &Pipeline{File: file}
	if pl.Name, err = top.str("name", "unnamed"); err != nil {
		return nil, err
	}
	prio, err := top.str("priority", "0")
	if err != nil {
		return nil, err
	}
	if pl.Priority, err = strconv.Atoi(prio); err != nil {
		return nil, top.errf("priority", "expected an integer, got %q", prio)
	}
	if top.has("sources") {
		return nil, top.errf("sources", "not allowed in a pipeline: declare sources in a separate file loaded with --source")
	}
	if pl.Vars, err = parseVars(top); err != nil {
		return nil, err
	}
	tn := top.node("transformations")
	if !isNull(tn) {
		if tn.Kind != yaml.SequenceNode {
			return nil, top.errf("transformations", "expected a list of processing items")
		}
		for i, n := range tn.Content {
			it, err := parseItem(fmt.Sprintf("%s: transformations[%d]", file, i), n, 0)
			if err != nil {
				return nil, err
			}
			pl.Items = append(pl.Items, it)
		}
	}
	// finalizers, postprocessing, allowed_backends, … are backend concerns.
	return pl, nil
}

// parseVars reads `vars:`; scalar values (numbers included) are stringified.
func parseVars(top *params) ([]Var, error) {
	ps, err := top.pairs("vars")
	if err != nil {
		return nil, err
	}
	vars := make([]Var, 0, len(ps))
	for _, kv := range ps {
		vs, err := nodeStrings(kv.val, func(msg string) error { return top.errf("vars."+kv.key, "%s", msg) })
		if err != nil {
			return nil, err
		}
		if vs == nil {
			vs = []string{}
		}
		vars = append(vars, Var{Name: kv.key, Values: vs})
	}
	return vars, nil
}

// Sort orders pipelines by ascending priority; ties keep their given order.
func Sort(ps []*Pipeline) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Priority < ps[j].Priority })
}

func (pl *Pipeline) varMap() map[string][]string {
	m := make(map[string][]string, len(pl.Vars))
	for _, v := range pl.Vars {
		m[v.Name] = v.Values
	}
	return m
}
