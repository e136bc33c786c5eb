package scanner

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/format"
)

// StdinInputName is the name of the standard-input input.
const StdinInputName = "sigma_stdin"

// registerStdin registers the sigma_stdin input on env.
func registerStdin(env *service.Environment) error {
	return env.RegisterBatchInput(StdinInputName, service.NewConfigSpec().
		Beta().
		Categories("Local").
		Summary("Reads events from standard input as the `stdin` input with the `sigma_lines` scanner does, "+
			"reusing the memory of the lines once their batches are acknowledged.").
		Description("Lines are split exactly as by the `sigma_lines` scanner (see it). The framework's `stdin` "+
			"input acknowledges a scanner's batch as soon as it is read, so the scanner must copy every line "+
			"into an allocation of its own; this input learns when each batch is acknowledged (after every "+
			"output wrote every message derived from it) and copies lines into blocks it reuses from then "+
			"on. A nacked batch is replayed, as with `stdin`'s `auto_replay_nacks`.").
		Fields(splitFields()...),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchInput, error) {
			maxBytes, batch, err := splitSettings(conf)
			if err != nil {
				return nil, err
			}
			in := newStdinInput(io.NopCloser(os.Stdin), maxBytes, batch, res.Logger())
			return service.AutoRetryNacksBatched(in), nil
		})
}

// stdinInput reads lines from r into recycled blocks (lineBlocks).
type stdinInput struct {
	lines  *linesScanner
	blocks *lineBlocks
	log    *service.Logger
}

// newStdinInput reads r with lines of at most maxBytes, batches of at most
// batch lines.
func newStdinInput(r io.ReadCloser, maxBytes, batch int, log *service.Logger) *stdinInput {
	in := &stdinInput{
		lines:  &linesScanner{split: format.NewSplitter(r, maxBytes), r: r, batch: max(batch, 1), log: log},
		blocks: &lineBlocks{},
		log:    log,
	}
	in.lines.split.CopyLinesWith(in.blocks.alloc)
	return in
}

// Connect implements service.BatchInput; standard input is always open.
func (in *stdinInput) Connect(context.Context) error { return nil }

// ReadBatch returns the lines already read, up to the batch size, waiting
// only for the first (linesScanner.NextBatch). Its acknowledgement lets the
// blocks holding them be reused. The end of input, or a read error (logged:
// standard input cannot be reopened), ends the input.
func (in *stdinInput) ReadBatch(ctx context.Context) (service.MessageBatch, service.AckFunc, error) {
	batch, err := in.lines.NextBatch(ctx)
	if err != nil {
		if !errors.Is(err, io.EOF) {
			in.log.Errorf("%s: reading standard input: %v", StdinInputName, err)
		}
		return nil, nil, service.ErrEndOfInput
	}
	n := in.blocks.batchRead(in.lines.split.Pending())
	return batch, func(context.Context, error) error {
		in.blocks.acked(n)
		return nil
	}, nil
}

// Close implements service.BatchInput.
func (in *stdinInput) Close(ctx context.Context) error { return in.lines.Close(ctx) }
