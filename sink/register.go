package sink

import "github.com/redpanda-data/benthos/v4/public/service"

// Register registers sigma_stdout (without a closed-stdout hook),
// sigma_file and sigma_pretty on env.
func Register(env *service.Environment) error {
	if err := RegisterStdout(env, nil); err != nil {
		return err
	}
	if err := RegisterFile(env); err != nil {
		return err
	}
	return RegisterPretty(env)
}
