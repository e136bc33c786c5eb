package nats

import (
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// The documented examples are valid stream configurations.
func TestSpecExamplesLint(t *testing.T) {
	t.Setenv("NATS_TOKEN", "example") // referenced as ${NATS_TOKEN}
	linter := service.GlobalEnvironment().FullConfigSchema("", "").NewStreamConfigLinter()
	for name, yaml := range map[string]string{
		"input_group": exampleInputGroup, "input_replay": exampleInputReplay, "output_dlq": exampleOutputDLQ,
	} {
		t.Run(name, func(t *testing.T) {
			lints, err := linter.LintYAML([]byte(yaml))
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range lints {
				t.Error(l.Error())
			}
		})
	}
}
