// Package scanner holds the sigma_lines scanner and the sigma_stdin input
// (the same line splitting, with the lines' memory reused once their
// batches are acknowledged), with which the daemon reads events from
// stdin. They register only when Register is called.
package scanner

import (
	"context"
	"errors"
	"io"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/format"
)

// LinesScannerName is the name of the line scanner.
const LinesScannerName = "sigma_lines"

// Register registers the sigma_lines scanner and the sigma_stdin input on
// env.
func Register(env *service.Environment) error {
	if err := registerStdin(env); err != nil {
		return err
	}
	return registerLines(env)
}

func registerLines(env *service.Environment) error {
	return env.RegisterBatchScannerCreator(LinesScannerName, service.NewConfigSpec().
		Beta().
		Summary("One message per line, except that a JSON object or array spread over several lines (pretty-printed) becomes one message.").
		Description("A line that starts with `{` or `[` and leaves its value open is joined with the following "+
			"lines while they can continue that value. A malformed line costs only itself: a line holding a "+
			"whole JSON object or array is always a message of its own; a line that cannot continue the value "+
			"ends the join at once; a joined value that is not valid JSON, or does not close (end of input, "+
			"more than `max_buffer_size` bytes), is split again, its first line a message of its own. A line "+
			"over `max_buffer_size` bytes is skipped: its first 4096 bytes become a message marked with an "+
			"error that gives its size, and reading goes on. `\\r\\n` line ends are accepted.").
		Fields(splitFields()...),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchScannerCreator, error) {
			maxBytes, batch, err := splitSettings(conf)
			if err != nil {
				return nil, err
			}
			return linesScannerCreator{max: maxBytes, batch: max(batch, 1), log: res.Logger()}, nil
		})
}

// splitFields are the fields of sigma_lines and sigma_stdin.
func splitFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewIntField("max_buffer_size").
			Description("The longest line, and the longest joined value, in bytes.").
			Default(16 << 20),
		service.NewIntField("max_batch").
			Description("The most messages in one batch. A batch holds the events already read from the " +
				"source, up to this count: it never waits for more input to fill up.").
			Default(1),
	}
}

// splitSettings reads splitFields: the longest line and the batch size.
func splitSettings(conf *service.ParsedConfig) (maxBytes, batch int, err error) {
	if maxBytes, err = conf.FieldInt("max_buffer_size"); err != nil {
		return 0, 0, err
	}
	if batch, err = conf.FieldInt("max_batch"); err != nil {
		return 0, 0, err
	}
	return maxBytes, batch, nil
}

type linesScannerCreator struct {
	max, batch int
	log        *service.Logger
}

func (c linesScannerCreator) Create(r io.ReadCloser, ack service.AckFunc, _ *service.ScannerSourceDetails) (service.BatchScanner, error) {
	sc := &linesScanner{split: format.NewSplitter(r, c.max), r: r, batch: c.batch, log: c.log}
	return service.AutoAggregateBatchScannerAcks(sc, ack), nil
}

func (linesScannerCreator) Close(context.Context) error { return nil }

type linesScanner struct {
	split *format.Splitter
	r     io.ReadCloser
	batch int   // most messages per batch
	err   error // ended the previous batch early; returned next
	log   *service.Logger
}

// NextBatch blocks for the first event, then adds the events that input
// already read completes, up to the batch size: it never waits to fill a
// batch. An error after the first event ends the batch early and comes back
// on the next call. A line over the limit becomes a message holding its
// head, marked with the *format.LineTooLongError.
func (s *linesScanner) NextBatch(context.Context) (service.MessageBatch, error) {
	if err := s.err; err != nil {
		s.err = nil
		return nil, err
	}
	b, err := s.split.Next()
	m, err := s.message(b, err)
	if err != nil {
		return nil, err
	}
	batch := service.MessageBatch{m}
	for len(batch) < s.batch {
		b, ok, err := s.split.NextBuffered()
		if !ok {
			break
		}
		if m, err = s.message(b, err); err != nil {
			s.err = err
			break
		}
		batch = append(batch, m)
	}
	return batch, nil
}

// message is the message of one event, or of a line over the limit; err is
// the reader's error otherwise.
func (s *linesScanner) message(b []byte, err error) (*service.Message, error) {
	if err == nil {
		return service.NewMessage(b), nil
	}
	var tooLong *format.LineTooLongError
	if errors.As(err, &tooLong) {
		s.log.Warnf("sigma_lines: %v", tooLong)
		m := service.NewMessage(tooLong.Head)
		m.SetError(tooLong)
		return m, nil
	}
	return nil, err
}

func (s *linesScanner) Close(context.Context) error { return s.r.Close() }
