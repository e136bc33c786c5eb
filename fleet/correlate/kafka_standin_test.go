package correlate_test

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"regexp"
	"sync"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// kafka is an in-memory stand-in for a Kafka cluster behind the `redpanda`
// input and output of Redpanda Connect, which cannot run here. It keeps
// what the fleet relies on: a topic's partitions each keep their
// messages in order, a message goes to the partition of its key, only the
// metadata the output's include patterns name travels as headers, and a
// consumer reads the partitions interleaved, each in order.
type kafka struct {
	mu     sync.Mutex
	topics map[string]*topic
	rnd    *rand.Rand
}

type topic struct {
	partitions [][]record
}

type record struct {
	key   string
	value []byte
	meta  map[string]string
}

func newKafka(partitions map[string]int) *kafka {
	k := &kafka{topics: map[string]*topic{}, rnd: rand.New(rand.NewPCG(3, 4))}
	for name, n := range partitions {
		k.topics[name] = &topic{partitions: make([][]record, n)}
	}
	return k
}

func (k *kafka) topic(name string) *topic {
	t := k.topics[name]
	if t == nil {
		t = &topic{partitions: make([][]record, 1)}
		k.topics[name] = t
	}
	return t
}

func (k *kafka) produce(name string, r record) {
	k.mu.Lock()
	defer k.mu.Unlock()
	t := k.topic(name)
	h := fnv.New32a()
	h.Write([]byte(r.key))
	p := int(h.Sum32() % uint32(len(t.partitions)))
	t.partitions[p] = append(t.partitions[p], r)
}

// records returns every record of a topic, partition by partition.
func (k *kafka) records(name string) []record {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []record
	for _, p := range k.topic(name).partitions {
		out = append(out, p...)
	}
	return out
}

// register registers the stand-in `redpanda` input and output on env, with
// the fields the examples use (as Redpanda Connect names them).
func (k *kafka) register(env *service.Environment) error {
	in := service.NewConfigSpec().Fields(
		service.NewStringListField("seed_brokers"),
		service.NewStringListField("topics"),
		service.NewStringField("consumer_group").Default(""),
	)
	err := env.RegisterBatchInput("redpanda", in, func(conf *service.ParsedConfig, _ *service.Resources) (service.BatchInput, error) {
		topics, err := conf.FieldStringList("topics")
		if err != nil {
			return nil, err
		}
		return &consumer{k: k, topic: topics[0]}, nil
	})
	if err != nil {
		return err
	}
	out := service.NewConfigSpec().Fields(
		service.NewStringListField("seed_brokers"),
		service.NewInterpolatedStringField("topic"),
		service.NewInterpolatedStringField("key").Default(""),
		service.NewObjectField("metadata",
			service.NewStringListField("include_prefixes").Default([]any{}),
			service.NewStringListField("include_patterns").Default([]any{}),
		).Optional(),
		service.NewIntField("max_in_flight").Default(256),
	)
	return env.RegisterOutput("redpanda", out, func(conf *service.ParsedConfig, _ *service.Resources) (service.Output, int, error) {
		p := &producer{k: k}
		var err error
		if p.topic, err = conf.FieldInterpolatedString("topic"); err != nil {
			return nil, 0, err
		}
		if p.key, err = conf.FieldInterpolatedString("key"); err != nil {
			return nil, 0, err
		}
		if conf.Contains("metadata") {
			patterns, err := conf.FieldStringList("metadata", "include_patterns")
			if err != nil {
				return nil, 0, err
			}
			for _, s := range patterns {
				p.include = append(p.include, regexp.MustCompile(s))
			}
		}
		return p, 1, nil
	})
}

// consumer reads every partition of one topic, interleaved at random,
// each in order, and ends when they are all read.
type consumer struct {
	k      *kafka
	topic  string
	offset []int
}

func (c *consumer) Connect(context.Context) error { return nil }

func (c *consumer) ReadBatch(context.Context) (service.MessageBatch, service.AckFunc, error) {
	c.k.mu.Lock()
	defer c.k.mu.Unlock()
	t := c.k.topic(c.topic)
	if c.offset == nil {
		c.offset = make([]int, len(t.partitions))
	}
	var open []int
	for p := range t.partitions {
		if c.offset[p] < len(t.partitions[p]) {
			open = append(open, p)
		}
	}
	if len(open) == 0 {
		return nil, nil, service.ErrEndOfInput
	}
	p := open[c.k.rnd.IntN(len(open))]
	var batch service.MessageBatch
	for n := 1 + c.k.rnd.IntN(8); n > 0 && c.offset[p] < len(t.partitions[p]); n-- {
		r := t.partitions[p][c.offset[p]]
		m := service.NewMessage(r.value)
		for k, v := range r.meta {
			m.MetaSetMut(k, v)
		}
		m.MetaSetMut("kafka_key", r.key)
		m.MetaSetMut("kafka_topic", c.topic)
		m.MetaSetMut("kafka_partition", int64(p))
		m.MetaSetMut("kafka_offset", int64(c.offset[p]))
		batch = append(batch, m)
		c.offset[p]++
	}
	return batch, func(context.Context, error) error { return nil }, nil
}

func (c *consumer) Close(context.Context) error { return nil }

// producer writes each message to the partition of its key.
type producer struct {
	k       *kafka
	topic   *service.InterpolatedString
	key     *service.InterpolatedString
	include []*regexp.Regexp
}

func (p *producer) Connect(context.Context) error { return nil }

func (p *producer) Write(_ context.Context, m *service.Message) error {
	topic, err := p.topic.TryString(m)
	if err != nil {
		return err
	}
	key, err := p.key.TryString(m)
	if err != nil {
		return err
	}
	value, err := m.AsBytes()
	if err != nil {
		return err
	}
	r := record{key: key, value: append([]byte(nil), value...), meta: map[string]string{}}
	_ = m.MetaWalk(func(k, v string) error {
		for _, re := range p.include {
			if re.MatchString(k) {
				r.meta[k] = v
			}
		}
		return nil
	})
	p.k.produce(topic, r)
	return nil
}

func (p *producer) Close(context.Context) error { return nil }
