package sink

import "github.com/redpanda-data/benthos/v4/public/service"

// Register registers sigma_stdout (without a closed-stdout hook),
// sigma_file, sigma_pretty, the sigma_sink delivery output, sigma_otlp and
// sigma_ocsf on env.
func Register(env *service.Environment) error {
	if err := RegisterStdout(env, nil); err != nil {
		return err
	}
	for _, register := range []func(*service.Environment) error{
		RegisterFile, RegisterPretty, RegisterDelivery, RegisterOTLP, RegisterOCSF,
	} {
		if err := register(env); err != nil {
			return err
		}
	}
	return nil
}
