package sink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// StdoutOutputName is the name of the standard-output sink.
const StdoutOutputName = "sigma_stdout"

// ErrStdoutClosed fails the batches written after standard output was
// found closed, when they have no closed_resource to go to.
var ErrStdoutClosed = errors.New("stdout is closed")

// StdoutSpec is the config spec of the sigma_stdout output.
func StdoutSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Categories("Local").
		Summary("Writes each message as one line to standard output, a whole batch per write.").
		Description("The framework's `stdout` output writes every message and its line end separately: two " +
			"system calls per result. This output joins a batch into one write. A failed write fails the batch " +
			"(so a `fallback` can dead-letter it). A closed standard output (its reader went away: a broken " +
			"pipe) is logged once; from then on batches are not written but go to `closed_resource`, marked " +
			"with `fallback_error` as a `fallback` would mark them, or fail with `stdout is closed`.").
		Field(service.NewStringField("closed_resource").
			Description("An output resource that receives the batches once standard output is closed.").
			Optional().
			Advanced())
}

// RegisterStdout registers the sigma_stdout output on env. onClosed, when
// not nil, is called once, when a write finds standard output closed.
func RegisterStdout(env *service.Environment, onClosed func()) error {
	return env.RegisterBatchOutput(StdoutOutputName, StdoutSpec(),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchOutput, service.BatchPolicy, int, error) {
			o := NewStdoutOutput(os.Stdout)
			o.res, o.log, o.onClosed = res, res.Logger(), onClosed
			if conf.Contains("closed_resource") {
				name, err := conf.FieldString("closed_resource")
				if err != nil {
					return nil, service.BatchPolicy{}, 0, err
				}
				o.closedTo = name
			}
			return o, service.BatchPolicy{}, 1, nil
		})
}

// StdoutOutput is the sigma_stdout output.
type StdoutOutput struct {
	w   io.Writer
	mu  sync.Mutex
	buf bytes.Buffer

	closed   bool // a write found w closed; nothing is written any more
	onClosed func()
	closedTo string // output resource for the batches once closed
	res      *service.Resources
	log      *service.Logger
}

// NewStdoutOutput returns an output writing lines to w.
func NewStdoutOutput(w io.Writer) *StdoutOutput { return &StdoutOutput{w: w} }

// Connect implements service.BatchOutput; standard output is always open.
// It builds the closed_resource output at once: the framework builds an
// output resource on first use, and until then its /ready answers 503 for
// it, so that a stream whose stdout never closes would never be ready.
func (o *StdoutOutput) Connect(ctx context.Context) error {
	if o.closedTo != "" && o.res != nil {
		if err := o.res.AccessOutput(ctx, o.closedTo, func(*service.ResourceOutput) {}); err != nil {
			return fmt.Errorf("closed_resource %s: %w", o.closedTo, err)
		}
	}
	return nil
}

// WriteBatch writes every message of batch followed by '\n' in one write.
// Once standard output is closed, batch goes to the closed_resource output
// instead (or fails with ErrStdoutClosed).
func (o *StdoutOutput) WriteBatch(ctx context.Context, batch service.MessageBatch) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.closed {
		if err := joinLines(&o.buf, batch); err != nil {
			return err
		}
		_, err := o.w.Write(o.buf.Bytes())
		if err == nil {
			return nil
		}
		if !isClosed(err) {
			return fmt.Errorf("stdout sink: %w", err)
		}
		o.close(err)
	}
	return o.deadLetter(ctx, batch)
}

// isClosed reports whether a write error means that standard output is
// gone for good: its reader closed the pipe, or the descriptor is closed.
func isClosed(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.EBADF) || errors.Is(err, os.ErrClosed)
}

func (o *StdoutOutput) close(err error) {
	o.closed = true
	to := "fail"
	if o.closedTo != "" {
		to = "go to output resource " + o.closedTo
	}
	o.log.Errorf("stdout is closed (%v): results for it %s from now on", err, to)
	if o.onClosed != nil {
		o.onClosed()
	}
}

// deadLetter hands batch to the closed_resource output, each message marked
// with fallback_error.
func (o *StdoutOutput) deadLetter(ctx context.Context, batch service.MessageBatch) error {
	if o.closedTo == "" || o.res == nil {
		return ErrStdoutClosed
	}
	marked := make(service.MessageBatch, len(batch))
	for i, m := range batch {
		marked[i] = m.Copy()
		marked[i].MetaSet("fallback_error", "stdout sink: "+ErrStdoutClosed.Error())
	}
	var werr error
	if err := o.res.AccessOutput(ctx, o.closedTo, func(out *service.ResourceOutput) {
		werr = out.WriteBatch(ctx, marked)
	}); err != nil {
		return fmt.Errorf("stdout sink: %w", err)
	}
	return werr
}

// Close implements service.BatchOutput; standard output stays open.
func (o *StdoutOutput) Close(context.Context) error { return nil }
