package processor

import (
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// fieldLogsourceRouting switches logsource routing (docs/logsource-routing.md).
const fieldLogsourceRouting = "logsource_routing"

// routingFields are the fields of logsource routing.
func routingFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewBoolField(fieldLogsourceRouting).
			Description("Evaluate each event only against the rules whose `logsource` fits it: the event's product, service " +
				"and category are recognized from its content (Windows `Channel` and `EventID`, ECS `event.*`, cloud audit, " +
				"zeek, auditd, CEF shapes, and the `logsource_recognition:` files given in `pipelines`), and a rule is skipped " +
				"when the event reveals a dimension the rule sets to another known value. An event that reveals nothing is " +
				"evaluated against every rule. Routing is on by default here; `engine daemon` leaves it off unless " +
				"`--logsource-routing` is given (rsigma's default) and always writes the field. See docs/logsource-routing.md.").
			Default(true),
	}
}

func parseRoutingSettings(conf *service.ParsedConfig, s *engine.Settings) error {
	var err error
	s.LogsourceRouting, err = conf.FieldBool(fieldLogsourceRouting)
	return err
}
