package nats

import (
	"errors"
	"fmt"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// InputConfig describes a sigma_nats_jetstream input: which server, which
// subject, which stream and durable, where to start, and how to log in.
type InputConfig struct {
	Server        string // nats://host:port
	Subject       string // may contain wildcards
	Stream        string // default StreamName(Subject)
	Durable       string // default DurableName(Subject, ConsumerGroup)
	ConsumerGroup string
	Replay        Replay
	Auth          Auth
	BatchSize     int           // most messages handed to the pipeline at once
	NakDelay      time.Duration // redelivery delay after the pipeline nacks
}

// withDefaults fills in the derived stream and durable names.
func (c InputConfig) withDefaults() InputConfig {
	if c.Stream == "" {
		c.Stream = StreamName(c.Subject)
	}
	if c.Durable == "" {
		c.Durable = DurableName(c.Subject, c.ConsumerGroup)
	}
	if c.BatchSize < 1 {
		c.BatchSize = 1
	}
	return c
}

// Validate reports a configuration that cannot start.
func (c InputConfig) Validate() error {
	if c.Server == "" {
		return errors.New("sigma_nats_jetstream input: url is empty")
	}
	if err := checkSubject(c.Subject); err != nil {
		return fmt.Errorf("sigma_nats_jetstream input: %w", err)
	}
	if c.ConsumerGroup != "" {
		if err := CheckConsumerGroup(c.ConsumerGroup); err != nil {
			return fmt.Errorf("sigma_nats_jetstream input: %w", err)
		}
	}
	if err := c.Replay.Validate(); err != nil {
		return fmt.Errorf("sigma_nats_jetstream input: %w", err)
	}
	if err := c.Auth.Validate(); err != nil {
		return fmt.Errorf("sigma_nats_jetstream input: %w", err)
	}
	return nil
}

func inputSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Categories("Services").
		Summary("Reads events from a NATS JetStream durable pull consumer, one event per message, acking each message only after the pipeline delivered its results.").
		Description(`Creates (or reuses unchanged) the stream `+"`rsigma-<sanitised subject>`"+` and the durable pull consumer `+"`<consumer_group>`"+` or `+"`rsigma-daemon-<sanitised subject>`"+`. Empty messages are acked and skipped. A nacked batch is redelivered after `+"`nak_delay`"+`.

Metadata set on every message: `+"`nats_subject`, `nats_sequence` (stream sequence), `nats_timestamp_unix` (publish time, seconds), `nats_timestamp_unix_nano`, `nats_num_delivered`"+`.`).
		Fields(connectionFields()...).
		Fields(
			service.NewStringField("subject").Description("Subject to consume; wildcards `*` and `>` allowed.").Example("events.>"),
			service.NewStringField("stream").Default("").Description("Stream name; default `rsigma-<sanitised subject>`.").Advanced(),
			service.NewStringField("durable").Default("").Description("Durable consumer name; default the consumer group, else `rsigma-daemon-<sanitised subject>`.").Advanced(),
			service.NewStringField("consumer_group").Default("").Description("Processes using the same group share one durable and split the messages."),
			service.NewIntField("replay_from_sequence").Default(0).Description("Start a new (or reposition the) durable at this stream sequence; 0 = unset."),
			service.NewStringField("replay_from_time").Default("").Description("Start at this publish time (RFC 3339); empty = unset."),
			service.NewBoolField("replay_from_latest").Default(false).Description("Start at the last message of the stream."),
			service.NewIntField("batch_size").Default(64).Description("Most messages handed to the pipeline as one batch; a batch is whatever has already arrived, it never waits to fill.").Advanced(),
			service.NewDurationField("nak_delay").Default("1s").Description("Redelivery delay for messages the pipeline could not deliver.").Advanced(),
		).
		Example("Two detectors sharing a stream", "Every process started with this config binds the durable `detectors`; JetStream spreads the messages across them.", exampleInputGroup).
		Example("Forensic replay", "Reposition the durable to a publish time (a WARN is logged when it existed with another start).", exampleInputReplay)
}

// parseInputConfig reads a parsed sigma_nats_jetstream input config.
func parseInputConfig(conf *service.ParsedConfig) (InputConfig, error) {
	var c InputConfig
	var err error
	if c.Server, err = parseServer(conf); err != nil {
		return c, err
	}
	if c.Auth, err = parseAuth(conf); err != nil {
		return c, err
	}
	for _, f := range []struct {
		dst  *string
		name string
	}{{&c.Subject, "subject"}, {&c.Stream, "stream"}, {&c.Durable, "durable"}, {&c.ConsumerGroup, "consumer_group"}} {
		if *f.dst, err = conf.FieldString(f.name); err != nil {
			return c, err
		}
	}
	seq, err := conf.FieldInt("replay_from_sequence")
	if err != nil {
		return c, err
	}
	if seq < 0 {
		return c, fmt.Errorf("replay_from_sequence: %d is negative", seq)
	}
	c.Replay.FromSequence = uint64(seq)
	if ts, _ := conf.FieldString("replay_from_time"); ts != "" {
		if c.Replay.FromTime, err = ParseReplayTime(ts); err != nil {
			return c, err
		}
	}
	if c.Replay.FromLatest, err = conf.FieldBool("replay_from_latest"); err != nil {
		return c, err
	}
	if c.BatchSize, err = conf.FieldInt("batch_size"); err != nil {
		return c, err
	}
	if c.NakDelay, err = conf.FieldDuration("nak_delay"); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// Examples shown in the plugin documentation (linted by the tests).
const exampleInputGroup = `
input:
  sigma_nats_jetstream:
    url: nats://127.0.0.1:4222
    subject: events.>
    consumer_group: detectors
    batch_size: 64
`

const exampleInputReplay = `
input:
  sigma_nats_jetstream:
    url: nats://127.0.0.1:4222
    subject: events.>
    replay_from_time: 2026-05-15T10:00:00Z
    auth:
      token: ${NATS_TOKEN}
`
