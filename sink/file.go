// Package sink holds the daemon's own stream outputs (sigma_stdout,
// sigma_file) and the sigma_pretty processor of its --pretty stdout. They
// register only when Register (or one of the Register* functions) is
// called.
package sink

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// FileOutputName is the name of the append-only NDJSON file output.
const FileOutputName = "sigma_file"

// FileSpec is the config spec of the sigma_file output.
func FileSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Categories("Local").
		Summary("Appends each message as one line to a file, flushing after every batch.").
		Description("The file is created if missing and opened for appending. Before every batch the output checks " +
			"that the path still names the open file; when the file was removed, replaced or rotated it is " +
			"reopened, and when it cannot be reopened the batch fails (so a `fallback` can dead-letter it). A write " +
			"that fails part way (a full disk) is cut back: the file never keeps part of a batch.").
		Field(service.NewStringField("path").Description("The file to append to."))
}

// RegisterFile registers the sigma_file output on env.
func RegisterFile(env *service.Environment) error {
	return env.RegisterBatchOutput(FileOutputName, FileSpec(),
		func(conf *service.ParsedConfig, _ *service.Resources) (service.BatchOutput, service.BatchPolicy, int, error) {
			path, err := conf.FieldString("path")
			if err != nil {
				return nil, service.BatchPolicy{}, 0, err
			}
			return &FileOutput{path: path}, service.BatchPolicy{}, 1, nil
		})
}

// FileOutput is the sigma_file output: one line per message, appended.
type FileOutput struct {
	path string
	mu   sync.Mutex
	f    *os.File
	buf  bytes.Buffer
}

// NewFileOutput returns an output appending to path.
func NewFileOutput(path string) *FileOutput { return &FileOutput{path: path} }

// Connect never fails: an unwritable file is reported by WriteBatch so that
// the failure reaches the stream's fallback instead of blocking the sink.
func (o *FileOutput) Connect(context.Context) error { return nil }

// WriteBatch appends every message of batch followed by '\n' in one write;
// when the write fails, none of the batch stays in the file.
func (o *FileOutput) WriteBatch(_ context.Context, batch service.MessageBatch) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := joinLines(&o.buf, batch); err != nil {
		return err
	}
	if err := o.ensureOpen(); err != nil {
		return err
	}
	if err := appendWhole(o.f, o.buf.Bytes()); err != nil {
		_ = o.f.Close()
		o.f = nil
		return fmt.Errorf("file sink %s: %w", o.path, err)
	}
	return nil
}

// appendWhole appends data to f, or nothing: a write that fails part way (a
// full disk, a file size limit) is cut back to the file's size before it, so
// that no partial line stays behind and the whole batch can be retried or
// dead-lettered without a line appearing twice. The sink owns its file:
// another process appending at the same moment would lose its bytes too.
func appendWhole(f *os.File, data []byte) error {
	before, err := f.Stat()
	if err != nil {
		return err
	}
	n, err := f.Write(data)
	if err == nil {
		return nil
	}
	if n > 0 {
		if terr := f.Truncate(before.Size()); terr != nil {
			return fmt.Errorf("%w (and %d bytes of a partial line remain: %v)", err, n, terr)
		}
	}
	return err
}

// ensureOpen (re)opens the file unless the open handle is still the file
// the path names.
func (o *FileOutput) ensureOpen() error {
	if o.f != nil {
		onDisk, errPath := os.Stat(o.path)
		open, errOpen := o.f.Stat()
		if errPath == nil && errOpen == nil && os.SameFile(onDisk, open) {
			return nil
		}
		_ = o.f.Close()
		o.f = nil
	}
	if err := os.MkdirAll(filepath.Dir(o.path), 0o755); err != nil {
		return fmt.Errorf("file sink %s: %w", o.path, err)
	}
	f, err := os.OpenFile(o.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("file sink %s: %w", o.path, err)
	}
	o.f = f
	return nil
}

// Close closes the file.
func (o *FileOutput) Close(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.f == nil {
		return nil
	}
	err := o.f.Close()
	o.f = nil
	return err
}
