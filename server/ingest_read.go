package server

import (
	"errors"
	"io"
)

// ReadAll reads r to the end into a buffer whose every allocation the claim
// pays for first. sizeHint (a Content-Length, or -1) sizes the first
// allocation so that a body of known length is read without regrowing. An
// error from the claim (ErrIngestBusy, ErrIngestTooLarge) or from r is
// returned as is; the bytes already charged stay on the claim until it is
// released.
func (c *Claim) ReadAll(r io.Reader, sizeHint int64) ([]byte, error) {
	size := int64(512)
	if sizeHint > 0 {
		size = sizeHint + 1 // one spare byte to see EOF without regrowing
	}
	if err := c.Grow(size); err != nil {
		return nil, err
	}
	buf := make([]byte, 0, size)
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) < cap(buf) {
			continue
		}
		grown := int64(cap(buf)) * 2
		if err := c.Grow(grown); err != nil {
			return buf, err
		}
		next := make([]byte, len(buf), grown)
		copy(next, buf)
		c.Shrink(int64(cap(buf))) // the old buffer is garbage now
		buf = next
	}
}
