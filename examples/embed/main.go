// Command embed is a host Benthos build as a Benthos user writes one: the
// framework, its pure and io components, and the rsigma-connect `sigma`
// processor. Importing package processor registers `sigma` and
// `sigma_dlq_entry` and nothing else, so none of the host's components is
// replaced.
//
//	go run . list processors
//	go run . run ../../docs/examples/sigma/detect.yaml
package main

import (
	"context"

	_ "github.com/redpanda-data/benthos/v4/public/components/io"
	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
	"github.com/redpanda-data/benthos/v4/public/service"

	_ "github.com/rsigma-connect/rsigma-connect/processor"
)

func main() {
	service.RunCLI(context.Background())
}
