package natsfleet

import (
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/fleet"
)

// Register registers the sigma_fleet_partitions input and the
// sigma_fleet_contributions output on env. The input's member is shown on
// board (nil: nowhere).
func Register(env *service.Environment, board *Board) error {
	err := env.RegisterBatchInput(InputName, inputSpec(),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchInput, error) {
			cfg, err := parseInputConfig(conf)
			if err != nil {
				return nil, err
			}
			return &input{cfg: cfg, log: res.Logger(), board: board,
				cor: fleet.SharedCorrelator(res.GetOrSetGeneric), metrics: inputMetrics(res.Metrics())}, nil
		})
	if err != nil {
		return err
	}
	return env.RegisterBatchOutput(OutputName, outputSpec(),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchOutput, service.BatchPolicy, int, error) {
			cfg, err := parseOutputConfig(conf)
			if err != nil {
				return nil, service.BatchPolicy{}, 0, err
			}
			inFlight, err := conf.FieldInt("max_in_flight")
			if err != nil {
				return nil, service.BatchPolicy{}, 0, err
			}
			return &output{cfg: cfg, names: NamesFor(cfg.Fleet), log: res.Logger(),
				published: res.Metrics().NewCounter("rsigma_fleet_contributions_published_total")}, service.BatchPolicy{}, max(inFlight, 1), nil
		})
}

// inputMetrics binds a member's instruments to the stream's metrics.
func inputMetrics(m *service.Metrics) Metrics {
	owned := m.NewGauge("rsigma_fleet_partitions_owned")
	changes := m.NewCounter("rsigma_fleet_lease_changes_total", "change")
	age := m.NewGauge("rsigma_fleet_checkpoint_age_seconds")
	lag := m.NewGauge("rsigma_fleet_replay_lag_batches")
	waiting := m.NewGauge("rsigma_fleet_watermark_waiting_batches")
	size := m.NewGauge("rsigma_fleet_checkpoint_bytes")
	mark := m.NewGauge("rsigma_fleet_watermark_position")
	return Metrics{
		Owned:           func(n int) { owned.Set(int64(n)) },
		LeaseChange:     func(c string) { changes.Incr(1, c) },
		CheckpointAge:   func(s float64) { age.SetFloat64(s) },
		ReplayLag:       func(n int) { lag.Set(int64(n)) },
		Waiting:         func(n int) { waiting.Set(int64(n)) },
		CheckpointBytes: func(n int) { size.Set(int64(n)) },
		Watermark:       func(p uint64) { mark.Set(int64(p)) },
	}
}
