package pipeline_test

import (
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/pipeline"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// Rename Sigma fields to ECS before compiling: pipelines rewrite rules once
// at load, never events.
func Example() {
	rs, _ := sigma.LoadBytes("rule.yml", []byte(`title: Whoami
logsource: {category: process_creation, product: windows}
detection:
    selection: {Image|endswith: '\whoami.exe'}
    condition: selection
`))
	ecs, _ := pipeline.Open("ecs_windows")
	pipeline.Apply([]*pipeline.Pipeline{ecs}, rs)
	eng, _, _ := sigma.Compile(rs, sigma.CompileOptions{})

	ev := sigma.NewJSONEvent(eng.Fields())
	_ = ev.Reset([]byte(`{"process":{"executable":"C:\\Windows\\System32\\whoami.exe"}}`))
	for _, m := range eng.Evaluate(ev, nil) {
		fmt.Println(m.Rule.Title, m.Fields[0].Field)
	}
	// Output: Whoami process.executable
}
