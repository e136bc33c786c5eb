package format

import (
	"fmt"

	"github.com/itchyny/gojq"
)

// maxJQErrors bounds how many runtime errors one input may produce before its
// remaining outputs are abandoned (a filter that errors forever, e.g.
// `repeat(error)`, must not hang the pipeline).
const maxJQErrors = 64

// jqFilter runs a gojq program. When the program is a path expression (the
// usual `.event`, `.records[]`, `select(...)`), outputs are cut from the
// input bytes via `path(program)` so they keep the input's key order and
// number literals; otherwise the program's values are re-encoded.
type jqFilter struct {
	values *gojq.Code
	paths  *gojq.Code // nil when path(program) does not compile
}

func compileJQ(src string) (filter, error) {
	q, err := gojq.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("--jq: %w", err)
	}
	values, err := gojq.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("--jq: %w", err)
	}
	f := &jqFilter{values: values}
	if pq, err := gojq.Parse("path(" + src + "\n)"); err == nil {
		if pc, err := gojq.Compile(pq); err == nil {
			f.paths = pc
		}
	}
	return f, nil
}

func (f *jqFilter) apply(raw []byte, emit func([]byte) error, onErr func(error)) error {
	input, err := decodeAny(raw)
	if err != nil {
		onErr(fmt.Errorf("jq: decoding input: %w", err))
		return nil
	}
	if f.paths != nil {
		if paths, ok := collectPaths(f.paths, input); ok {
			for _, p := range paths {
				out := []byte("null")
				if s, e, found := locate(raw, p); found {
					out = raw[s:e]
				}
				if err := emit(out); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return f.runValues(input, emit, onErr)
}

func (f *jqFilter) runValues(input any, emit func([]byte) error, onErr func(error)) error {
	iter := f.values.Run(input)
	errs := 0
	for {
		v, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, isErr := v.(error); isErr {
			if h, halt := err.(*gojq.HaltError); halt && h.Value() == nil {
				return nil
			}
			onErr(fmt.Errorf("jq: %w", err))
			if errs++; errs >= maxJQErrors {
				return nil
			}
			continue
		}
		out, err := gojq.Marshal(v)
		if err != nil {
			onErr(fmt.Errorf("jq: encoding output: %w", err))
			continue
		}
		if err := emit(out); err != nil {
			return err
		}
	}
}

// collectPaths runs path(program); ok is false when the program is not a
// pure path expression for this input (any error or an unsupported path
// element such as a slice), in which case the caller runs it for values.
func collectPaths(code *gojq.Code, input any) ([][]pathStep, bool) {
	var paths [][]pathStep
	iter := code.Run(input)
	for {
		v, more := iter.Next()
		if !more {
			return paths, true
		}
		elems, isList := v.([]any)
		if !isList {
			return nil, false
		}
		steps := make([]pathStep, 0, len(elems))
		for _, e := range elems {
			switch e := e.(type) {
			case string:
				steps = append(steps, pathStep{name: e, isKey: true})
			case int:
				steps = append(steps, pathStep{index: e})
			default:
				return nil, false
			}
		}
		paths = append(paths, steps)
	}
}
