package processor

import (
	"context"
	"io"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/format"
)

func init() {
	err := service.RegisterBatchScannerCreator("sigma_lines", service.NewConfigSpec().
		Beta().
		Summary("One message per line, except that a JSON object or array spread over several lines (pretty-printed) becomes one message.").
		Description("A line that starts with `{` or `[` and does not close its brackets is joined with the "+
			"following lines until they do. If they never close (end of input, a stray bracket, or more than "+
			"`max_buffer_size` bytes), the lines are emitted one by one, as the `lines` scanner would. `\\r\\n` "+
			"line ends are accepted.").
		Field(service.NewIntField("max_buffer_size").
			Description("The longest line, and the longest joined value, in bytes.").
			Default(16<<20)).
		Field(service.NewIntField("max_batch").
			Description("The most messages in one batch. A batch holds the events already read from the "+
				"source, up to this count: it never waits for more input to fill up.").
			Default(1)),
		func(conf *service.ParsedConfig, _ *service.Resources) (service.BatchScannerCreator, error) {
			maxBytes, err := conf.FieldInt("max_buffer_size")
			if err != nil {
				return nil, err
			}
			batch, err := conf.FieldInt("max_batch")
			if err != nil {
				return nil, err
			}
			return linesScannerCreator{max: maxBytes, batch: max(batch, 1)}, nil
		})
	if err != nil {
		panic(err)
	}
}

type linesScannerCreator struct{ max, batch int }

func (c linesScannerCreator) Create(r io.ReadCloser, ack service.AckFunc, _ *service.ScannerSourceDetails) (service.BatchScanner, error) {
	sc := &linesScanner{split: format.NewSplitter(r, c.max), r: r, batch: c.batch}
	return service.AutoAggregateBatchScannerAcks(sc, ack), nil
}

func (linesScannerCreator) Close(context.Context) error { return nil }

type linesScanner struct {
	split *format.Splitter
	r     io.ReadCloser
	batch int   // most messages per batch
	err   error // ended the previous batch early; returned next
}

// NextBatch blocks for the first event, then adds the events whose first
// line is already buffered, up to the batch size. An error after the first
// event ends the batch early and comes back on the next call.
func (s *linesScanner) NextBatch(context.Context) (service.MessageBatch, error) {
	if err := s.err; err != nil {
		s.err = nil
		return nil, err
	}
	b, err := s.split.Next()
	if err != nil {
		return nil, err
	}
	batch := service.MessageBatch{service.NewMessage(b)}
	for len(batch) < s.batch && s.split.Ready() {
		if b, err = s.split.Next(); err != nil {
			s.err = err
			break
		}
		batch = append(batch, service.NewMessage(b))
	}
	return batch, nil
}

func (s *linesScanner) Close(context.Context) error { return s.r.Close() }
