package sink

import (
	"bytes"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// joinLines resets buf to the batch's messages, each followed by '\n', so
// that a sink writes a whole batch with one write.
func joinLines(buf *bytes.Buffer, batch service.MessageBatch) error {
	buf.Reset()
	for _, m := range batch {
		b, err := m.AsBytes()
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return nil
}
