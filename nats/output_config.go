package nats

import (
	"errors"
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// OutputConfig describes a sigma_nats_jetstream output.
type OutputConfig struct {
	Server   string // nats://host:port
	Subject  string // concrete subject every result is published to
	Stream   string // default StreamName(Subject)
	NoStream bool   // publish without ensuring a stream (one must capture Subject)
	Auth     Auth
}

func (c OutputConfig) withDefaults() OutputConfig {
	if c.Stream == "" {
		c.Stream = StreamName(c.Subject)
	}
	return c
}

// Validate reports a configuration that cannot start.
func (c OutputConfig) Validate() error {
	if c.Server == "" {
		return errors.New("sigma_nats_jetstream output: url is empty")
	}
	if err := checkSubject(c.Subject); err != nil {
		return fmt.Errorf("sigma_nats_jetstream output: %w", err)
	}
	if !IsConcrete(c.Subject) {
		return fmt.Errorf("sigma_nats_jetstream output: subject %q must not contain wildcards", c.Subject)
	}
	if err := c.Auth.Validate(); err != nil {
		return fmt.Errorf("sigma_nats_jetstream output: %w", err)
	}
	return nil
}

const outputFieldBatching = "batching"

func outputSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Categories("Services").
		Summary("Publishes each message to a NATS JetStream subject and waits for the publish acknowledgement.").
		Description("Creates (or reuses unchanged) the stream `rsigma-<sanitised subject>` unless `ensure_stream` is false. A message whose publish or acknowledgement fails is reported as failed, so a surrounding `fallback` can route it to a dead-letter queue. Messages of one batch are published in order.").
		Fields(connectionFields()...).
		Fields(
			service.NewStringField("subject").Description("Concrete subject (no wildcards).").Example("detections"),
			service.NewStringField("stream").Default("").Description("Stream name; default `rsigma-<sanitised subject>`.").Advanced(),
			service.NewBoolField("ensure_stream").Default(true).Description("Get or create the stream at connect time.").Advanced(),
			service.NewIntField("max_in_flight").Default(1).Description("Batches written in parallel; above 1 the order across batches is lost.").Advanced(),
			service.NewBatchPolicyField(outputFieldBatching),
		).
		Example("Detections with a dead-letter subject", "Results go to `detections`; a result whose publish fails goes to the `dlq` subject.", exampleOutputDLQ)
}

func parseOutputConfig(conf *service.ParsedConfig) (OutputConfig, error) {
	var c OutputConfig
	var err error
	if c.Server, err = parseServer(conf); err != nil {
		return c, err
	}
	if c.Auth, err = parseAuth(conf); err != nil {
		return c, err
	}
	if c.Subject, err = conf.FieldString("subject"); err != nil {
		return c, err
	}
	if c.Stream, err = conf.FieldString("stream"); err != nil {
		return c, err
	}
	ensure, err := conf.FieldBool("ensure_stream")
	if err != nil {
		return c, err
	}
	c.NoStream = !ensure
	return c, c.Validate()
}

// Examples shown in the plugin documentation (linted by the tests).
const exampleOutputDLQ = `
output:
  fallback:
    - sigma_nats_jetstream:
        url: nats://127.0.0.1:4222
        subject: detections
    - sigma_nats_jetstream:
        url: nats://127.0.0.1:4222
        subject: dlq
`
