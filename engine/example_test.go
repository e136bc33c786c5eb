package engine_test

import (
	"context"
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// A program without a stream framework loads rules and evaluates lines;
// each Output is a result object (or a line that could not be decoded).
func Example() {
	ev, err := engine.New(engine.Settings{Rules: []string{"testdata/whoami.yml"}, InputFormat: "json"}, engine.Options{})
	if err != nil {
		panic(err)
	}
	defer ev.Close()
	lines := []engine.Line{
		{Text: []byte(`{"CommandLine":"whoami /all"}`)},
		{Text: []byte(`{"CommandLine":"notepad.exe"}`)},
		{Text: []byte(`not json`)},
	}
	for _, o := range ev.Evaluate(context.Background(), lines, nil) {
		if o.Err != nil {
			fmt.Printf("line %d: %v\n", o.Line, o.Err)
			continue
		}
		fmt.Printf("line %d: %s\n", o.Line, o.JSON)
	}
	// Output:
	// line 0: {"rule_title":"Whoami Execution","rule_id":"r-whoami","level":"medium","tags":["attack.discovery"],"matched_selections":["selection"],"matched_fields":[{"field":"CommandLine","value":"whoami /all"}]}
	// line 2: parse error
}
