package sink

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// StdoutOutputName is the name of the standard-output sink.
const StdoutOutputName = "sigma_stdout"

func init() {
	if err := RegisterStdout(service.GlobalEnvironment()); err != nil {
		panic(err)
	}
}

// StdoutSpec is the config spec of the sigma_stdout output.
func StdoutSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Categories("Local").
		Summary("Writes each message as one line to standard output, a whole batch per write.").
		Description("The framework's `stdout` output writes every message and its line end separately: two " +
			"system calls per result. This output joins a batch into one write. A failed write fails the batch " +
			"(so a `fallback` can dead-letter it).")
}

// RegisterStdout registers the sigma_stdout output on env.
func RegisterStdout(env *service.Environment) error {
	return env.RegisterBatchOutput(StdoutOutputName, StdoutSpec(),
		func(*service.ParsedConfig, *service.Resources) (service.BatchOutput, service.BatchPolicy, int, error) {
			return NewStdoutOutput(os.Stdout), service.BatchPolicy{}, 1, nil
		})
}

// StdoutOutput is the sigma_stdout output.
type StdoutOutput struct {
	w   io.Writer
	mu  sync.Mutex
	buf bytes.Buffer
}

// NewStdoutOutput returns an output writing lines to w.
func NewStdoutOutput(w io.Writer) *StdoutOutput { return &StdoutOutput{w: w} }

// Connect implements service.BatchOutput; standard output is always open.
func (o *StdoutOutput) Connect(context.Context) error { return nil }

// WriteBatch writes every message of batch followed by '\n' in one write.
func (o *StdoutOutput) WriteBatch(_ context.Context, batch service.MessageBatch) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := joinLines(&o.buf, batch); err != nil {
		return err
	}
	if _, err := o.w.Write(o.buf.Bytes()); err != nil {
		return fmt.Errorf("stdout sink: %w", err)
	}
	return nil
}

// Close implements service.BatchOutput; standard output stays open.
func (o *StdoutOutput) Close(context.Context) error { return nil }
