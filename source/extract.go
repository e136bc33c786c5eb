package source

import (
	"context"
	"fmt"

	"github.com/itchyny/gojq"
	"github.com/theory/jsonpath"
)

// Extractor evaluates an `extract` expression against a decoded value.
type Extractor interface {
	// Extract returns the expression's result: the single output, or an
	// array when there are several. found is false when there is no output
	// (or only null).
	Extract(ctx context.Context, v any) (result any, found bool, err error)
}

// CompileExtract compiles expr in the given language: "jq" (default),
// "jsonpath". "cel" is recognised but not supported.
func CompileExtract(kind, expr string) (Extractor, error) {
	switch kind {
	case "", "jq":
		q, err := gojq.Parse(expr)
		if err != nil {
			return nil, fmt.Errorf("invalid jq expression %q: %v", expr, err)
		}
		// No environment access: expressions may be built from event data.
		code, err := gojq.Compile(q, gojq.WithEnvironLoader(func() []string { return nil }))
		if err != nil {
			return nil, fmt.Errorf("invalid jq expression %q: %v", expr, err)
		}
		return jqExtractor{code}, nil
	case "jsonpath":
		p, err := jsonpath.Parse(expr)
		if err != nil {
			return nil, fmt.Errorf("invalid JSONPath expression %q: %v", expr, err)
		}
		return pathExtractor{p}, nil
	case "cel":
		return nil, fmt.Errorf("extract type cel is not supported (use jq or jsonpath)")
	}
	return nil, fmt.Errorf("unknown extract type %q (jq, jsonpath)", kind)
}

type jqExtractor struct{ code *gojq.Code }

func (j jqExtractor) Extract(ctx context.Context, v any) (any, bool, error) {
	iter := j.code.RunWithContext(ctx, normalize(v))
	var out []any
	for {
		x, ok := iter.Next()
		if !ok {
			break
		}
		if err, isErr := x.(error); isErr {
			if h, halt := err.(*gojq.HaltError); halt && h.Value() == nil {
				break
			}
			return nil, false, fmt.Errorf("jq: %v", err)
		}
		out = append(out, x)
	}
	return collapse(out)
}

type pathExtractor struct{ p *jsonpath.Path }

func (e pathExtractor) Extract(_ context.Context, v any) (any, bool, error) {
	return collapse(e.p.Select(normalize(v)))
}

func collapse(out []any) (any, bool, error) {
	switch len(out) {
	case 0:
		return nil, false, nil
	case 1:
		return out[0], out[0] != nil, nil
	}
	return out, true, nil
}

// normalize turns decoded YAML/JSON into the plain shapes jq and JSONPath
// accept (map[string]any, []any, float64/int, string, bool, nil).
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = normalize(e)
		}
		return m
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = normalize(e)
		}
		return a
	case int64:
		return int(x)
	case uint64:
		return float64(x)
	case float32:
		return float64(x)
	}
	return v
}
