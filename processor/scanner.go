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
			Default(16<<20)),
		func(conf *service.ParsedConfig, _ *service.Resources) (service.BatchScannerCreator, error) {
			max, err := conf.FieldInt("max_buffer_size")
			if err != nil {
				return nil, err
			}
			return linesScannerCreator{max: max}, nil
		})
	if err != nil {
		panic(err)
	}
}

type linesScannerCreator struct{ max int }

func (c linesScannerCreator) Create(r io.ReadCloser, ack service.AckFunc, _ *service.ScannerSourceDetails) (service.BatchScanner, error) {
	return service.AutoAggregateBatchScannerAcks(&linesScanner{split: format.NewSplitter(r, c.max), r: r}, ack), nil
}

func (linesScannerCreator) Close(context.Context) error { return nil }

type linesScanner struct {
	split *format.Splitter
	r     io.ReadCloser
}

func (s *linesScanner) NextBatch(context.Context) (service.MessageBatch, error) {
	b, err := s.split.Next()
	if err != nil {
		return nil, err
	}
	return service.MessageBatch{service.NewMessage(b)}, nil
}

func (s *linesScanner) Close(context.Context) error { return s.r.Close() }
