package sink

import "github.com/redpanda-data/benthos/v4/public/service"

func init() {
	for _, register := range []func(*service.Environment) error{RegisterDelivery, RegisterOTLP, RegisterOCSF} {
		if err := register(service.GlobalEnvironment()); err != nil {
			panic(err)
		}
	}
}
