package format

import (
	"fmt"
	"sort"

	"github.com/itchyny/gojq"
	"github.com/theory/jsonpath"
	"github.com/theory/jsonpath/spec"
)

// jsonPathFilter runs an RFC 9535 query; every matched node becomes an
// event, in document order, cut from the input bytes.
type jsonPathFilter struct {
	path *jsonpath.Path
}

func compileJSONPath(src string) (filter, error) {
	p, err := jsonpath.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("--jsonpath: %w", err)
	}
	return &jsonPathFilter{path: p}, nil
}

type located struct {
	start, end int
	node       any // used only when the location cannot be found in raw
	found      bool
}

func (f *jsonPathFilter) apply(raw []byte, emit func([]byte) error, onErr func(error)) error {
	input, err := decodeAny(raw)
	if err != nil {
		onErr(fmt.Errorf("jsonpath: decoding input: %w", err))
		return nil
	}
	nodes := f.path.SelectLocated(input)
	if len(nodes) == 0 {
		return nil
	}
	locs := make([]located, 0, len(nodes))
	for _, n := range nodes {
		l := located{node: n.Node}
		l.start, l.end, l.found = locate(raw, stepsOf(n.Path))
		locs = append(locs, l)
	}
	// Object members come out of the library in map order; restore the
	// document order the spec promises.
	sort.SliceStable(locs, func(i, j int) bool { return locs[i].start < locs[j].start })
	for _, l := range locs {
		out := raw[l.start:l.end]
		if !l.found {
			if out, err = gojq.Marshal(l.node); err != nil {
				onErr(fmt.Errorf("jsonpath: encoding node: %w", err))
				continue
			}
		}
		if err := emit(out); err != nil {
			return err
		}
	}
	return nil
}

func stepsOf(p spec.NormalizedPath) []pathStep {
	steps := make([]pathStep, 0, len(p))
	for _, sel := range p {
		switch s := sel.(type) {
		case spec.Name:
			steps = append(steps, pathStep{name: string(s), isKey: true})
		case spec.Index:
			steps = append(steps, pathStep{index: int(s)})
		}
	}
	return steps
}
