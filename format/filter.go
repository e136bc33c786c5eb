package format

import (
	"bytes"
	"encoding/json"
)

// filter selects the sub-events of one JSON value (--jq / --jsonpath,
// input-formats.md §9). emit receives each output as JSON text, in output
// order; runtime errors of single outputs go to onErr and do not stop the
// other outputs. apply returns only errors returned by emit.
type filter interface {
	apply(raw []byte, emit func([]byte) error, onErr func(error)) error
}

// decodeAny decodes validated JSON text keeping number literals exact.
func decodeAny(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}
