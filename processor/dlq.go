package processor

import (
	"context"
	"sync"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

func init() {
	err := service.RegisterProcessor("sigma_dlq_entry", service.NewConfigSpec().
		Beta().
		Summary("Turns a dead-lettered message into the rsigma DLQ entry `{\"original_event\",\"error\",\"timestamp\"}`.").
		Description("A message marked with an error by the `sigma` processor (an undecodable line) becomes a "+
			"`parse error` entry holding the raw line. A result that a sink failed to deliver (metadata "+
			"`fallback_error`, set by the `fallback` output) becomes a `sink delivery failure: <error>` entry "+
			"holding the results as a JSON array. Each entry is counted in `rsigma_dlq_events_total`.").
		// No fields: an empty object, so that `list --format cue|jsonschema` can
		// express the spec (a spec without any field has no type and panics the
		// CUE generator).
		Field(service.NewObjectField("").Default(map[string]any{})),
		func(_ *service.ParsedConfig, res *service.Resources) (service.Processor, error) {
			return &dlqEntry{count: res.Metrics().NewCounter("rsigma_dlq_events_total"), log: res.Logger()}, nil
		})
	if err != nil {
		panic(err)
	}
}

type dlqEntry struct {
	count *service.MetricCounter
	log   *service.Logger
	// lastWarned is the sink failure logged last: a sink that keeps failing
	// the same way (a closed stdout) is logged once, not once per batch.
	mu         sync.Mutex
	lastWarned string
}

// Process replaces m's content with its DLQ entry.
func (d *dlqEntry) Process(_ context.Context, m *service.Message) (service.MessageBatch, error) {
	raw, err := m.AsBytes()
	if err != nil {
		raw = nil
	}
	var original, reason string
	if perr := m.GetError(); perr != nil {
		original, reason = string(raw), perr.Error()
	} else {
		fe, _ := m.MetaGet("fallback_error")
		original = "[" + string(raw) + "]"
		reason = "sink delivery failure: " + fe
		d.warnOnce(reason)
	}
	m.SetBytes(engine.AppendDLQEntry(nil, original, reason, time.Now()))
	m.SetError(nil)
	d.count.Incr(1)
	return service.MessageBatch{m}, nil
}

func (d *dlqEntry) Close(context.Context) error { return nil }

// warnOnce logs reason unless it is the sink failure logged last.
func (d *dlqEntry) warnOnce(reason string) {
	d.mu.Lock()
	repeated := reason == d.lastWarned
	d.lastWarned = reason
	d.mu.Unlock()
	if !repeated {
		d.log.Warnf("%s", reason)
	}
}
