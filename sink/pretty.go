package sink

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// PrettyProcessorName is the name of the re-indenting processor of the
// daemon's --pretty stdout output.
const PrettyProcessorName = "sigma_pretty"

// RegisterPretty registers the sigma_pretty processor on env.
func RegisterPretty(env *service.Environment) error {
	return env.RegisterProcessor(PrettyProcessorName, service.NewConfigSpec().
		Beta().
		Summary("Re-indents a JSON message over several lines, keeping its key order (the daemon's `--pretty` stdout output).").
		Field(service.NewStringField("indent").Description("Indent of one level.").Default("  ")),
		func(conf *service.ParsedConfig, _ *service.Resources) (service.Processor, error) {
			indent, err := conf.FieldString("indent")
			if err != nil {
				return nil, err
			}
			return prettyProcessor{indent: indent}, nil
		})
}

type prettyProcessor struct{ indent string }

// Process indents m's JSON content; content that is not JSON is left as is.
func (p prettyProcessor) Process(_ context.Context, m *service.Message) (service.MessageBatch, error) {
	raw, err := m.AsBytes()
	if err != nil {
		return service.MessageBatch{m}, nil
	}
	var buf bytes.Buffer
	if json.Indent(&buf, raw, "", p.indent) == nil {
		m.SetBytes(buf.Bytes())
	}
	return service.MessageBatch{m}, nil
}

func (prettyProcessor) Close(context.Context) error { return nil }
