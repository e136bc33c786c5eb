package processor

import (
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
	"github.com/rsigma-connect/rsigma-connect/fleet"
)

// Field names of the `fleet` object.
const (
	fieldFleet             = "fleet"
	fieldFleetPartitions   = "partitions"
	fieldFleetPositionMeta = "position_metadata"
)

func fleetFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewObjectField(fieldFleet,
			service.NewIntField(fieldFleetPartitions).Default(0).
				Description(fmt.Sprintf("Split correlation over this many partitions (1 to %d; 0 = correlate here). Instead of "+
					"applying an event's correlation contributions, the processor emits one batch message per partition they "+
					"touch, with the metadata `%s` (the partition, a natural transport key), for a `sigma_correlate` "+
					"processor that owns the partition; detections are emitted as usual. Every member of a fleet must use the "+
					"same count and rules.", fleet.MaxPartitions, fleet.MetaPartition)),
			service.NewStringField(fieldFleetPositionMeta).Default("nats_sequence").
				Description("Metadata key holding each event's position in its source stream: a number, unique per event, that "+
					"grows in stream order (the `sigma_nats_jetstream` input's stream sequence). Stage 2 orders each partition's "+
					"batches by it and drops a second copy; an event without it is correlated in arrival order."),
		).Description("Fleet correlation: several processes sharing one stream's correlations.").Advanced(),
	}
}

func parseFleetSettings(conf *service.ParsedConfig, s *engine.Settings) error {
	c := conf.Namespace(fieldFleet)
	var err error
	if s.Fleet.Partitions, err = c.FieldInt(fieldFleetPartitions); err != nil {
		return err
	}
	if s.Fleet.Partitions < 0 || s.Fleet.Partitions > fleet.MaxPartitions {
		return fmt.Errorf("%s.%s: %d: want 0 to %d", fieldFleet, fieldFleetPartitions, s.Fleet.Partitions, fleet.MaxPartitions)
	}
	if s.Fleet.PositionMeta, err = c.FieldString(fieldFleetPositionMeta); err != nil {
		return err
	}
	if s.Fleet.Partitions > 0 && s.State.Path != "" {
		return fmt.Errorf("%s.%s and %s.%s are exclusive: a fleet checkpoints partition state itself",
			fieldFleet, fieldFleetPartitions, fieldState, fieldStatePath)
	}
	return nil
}
