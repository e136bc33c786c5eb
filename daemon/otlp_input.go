package daemon

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/redpanda-data/benthos/v4/public/service"
	"gopkg.in/yaml.v3"

	"github.com/rsigma-connect/rsigma-connect/server"
)

// mergedInputName is the daemon-only stream input that merges the primary
// source (stdin, NATS) with the input queue the OTLP receivers fill, so that
// OTLP records reach the same evaluation stream whatever --input is
// (http-api.md §4). With --input http the queue already is the input.
const mergedInputName = "sigma_merged_input"

// registerMergedInput registers sigma_merged_input on env, reading q
// besides the configured primary input. When the primary input ends (stdin
// EOF, NATS subscription closed) the queue is closed, so OTLP requests get
// 503 from then on, its remaining lines are read, and the input ends.
// The queue's depth and back-pressure metrics are bound as for
// sigma_http_events.
func registerMergedInput(env *service.Environment, iq *ingestQueue, batchSize int, built func(*mergedInput)) error {
	spec := service.NewConfigSpec().
		Summary("The daemon's primary input merged with the lines queued by the OTLP receivers.").
		Field(service.NewInputField("primary").Description("The input named by --input."))
	return env.RegisterBatchInput(mergedInputName, spec,
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchInput, error) {
			primary, err := conf.FieldInput("primary")
			if err != nil {
				return nil, err
			}
			iq.bindMetrics(res)
			m := newMergedInput(primary, iq.LineQueue, max(batchSize, 1))
			built(m)
			return m, nil
		})
}

// readResult is one batch from either side of a mergedInput.
type readResult struct {
	batch service.MessageBatch
	ack   service.AckFunc
	err   error
}

// mergedInput reads two sources concurrently and hands batches out in
// arrival order; acknowledgements go back to the source the batch came from.
type mergedInput struct {
	primary     *service.OwnedInput
	queue       *server.LineQueue
	batchSize   int
	results     chan readResult
	stop        context.CancelFunc
	stopPrimary context.CancelFunc
	startOnce   sync.Once
	readers     sync.WaitGroup
	done        chan struct{} // closed once both readers have returned
	acks        primaryAcks   // the primary's batches not acknowledged yet (input_end.go)
}

func newMergedInput(primary *service.OwnedInput, q *server.LineQueue, batchSize int) *mergedInput {
	return &mergedInput{primary: primary, queue: q, batchSize: batchSize,
		results: make(chan readResult), done: make(chan struct{})}
}

// Connect starts the two readers once; the primary input manages its own
// connection.
func (m *mergedInput) Connect(context.Context) error {
	m.startOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		primaryCtx, stopPrimary := context.WithCancel(ctx)
		m.stop, m.stopPrimary = cancel, stopPrimary
		m.readers.Add(2)
		go m.readPrimary(primaryCtx)
		go m.readQueue(ctx)
		go func() { m.readers.Wait(); close(m.done) }()
	})
	return nil
}

func (m *mergedInput) readPrimary(ctx context.Context) {
	defer m.readers.Done()
	defer m.queue.Close() // the primary source ended: no more OTLP either
	for {
		batch, ack, err := m.primary.ReadBatch(ctx)
		if err != nil {
			return // ErrEndOfInput, or ctx cancelled by EndPrimary or Close
		}
		ack = m.acks.track(ack)
		if !m.deliver(ctx, readResult{batch: batch, ack: ack}) {
			_ = ack(context.Background(), errors.New("input closed"))
			return
		}
	}
}

func (m *mergedInput) readQueue(ctx context.Context) {
	defer m.readers.Done()
	for {
		batch, err := popBatch(ctx, m.queue, m.batchSize) // api_ingest.go
		if err != nil {
			return // queue closed and drained, or ctx cancelled
		}
		// OTLP ingest is at-most-once: the HTTP/gRPC answer only means queued.
		noAck := func(context.Context, error) error { return nil }
		if !m.deliver(ctx, readResult{batch: batch, ack: noAck}) {
			return
		}
	}
}

func (m *mergedInput) deliver(ctx context.Context, r readResult) bool {
	select {
	case m.results <- r:
		return true
	case <-ctx.Done():
		return false
	}
}

// ReadBatch returns the next batch from either source, and ErrEndOfInput
// once both have ended.
func (m *mergedInput) ReadBatch(ctx context.Context) (service.MessageBatch, service.AckFunc, error) {
	select {
	case r := <-m.results:
		return r.batch, r.ack, r.err
	case <-m.done:
		return nil, nil, service.ErrEndOfInput
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
}

// Close stops both readers and closes the primary input, after nacking the
// primary's batches that were read but never acknowledged (the framework
// drops a batch it reads while stopping), which the primary waits for.
func (m *mergedInput) Close(ctx context.Context) error {
	m.queue.Close()
	if m.stop != nil {
		m.stop()
		<-m.done // both readers have returned: nothing more is read
	}
	m.acks.nackAll(errors.New("daemon stopped before the batch was delivered"))
	return m.primary.Close(ctx)
}

// mergeInputYAML rewrites a stream configuration so that its input becomes
// sigma_merged_input with the original input as primary.
func mergeInputYAML(streamYAML string) (string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(streamYAML), &doc); err != nil {
		return "", fmt.Errorf("stream config: %w", err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return "", errors.New("stream config: not a mapping")
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "input" {
			continue
		}
		primary := root.Content[i+1]
		root.Content[i+1] = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: mergedInputName},
			{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "primary"}, primary}},
		}}
		out, err := yaml.Marshal(&doc)
		return string(out), err
	}
	return "", errors.New("stream config: no input section")
}
