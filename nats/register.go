package nats

import "github.com/redpanda-data/benthos/v4/public/service"

// Register registers the sigma_nats_jetstream input and output on env.
func Register(env *service.Environment) error {
	if err := registerInput(env); err != nil {
		return err
	}
	return registerOutput(env)
}
