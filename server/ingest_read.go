package server

import (
	"errors"
	"io"
)

// readChunkBytes is the first buffer ReadAll allocates: a body is paid for
// as it arrives, not as its Content-Length announces it, so that a client
// sending slowly holds only what it has sent.
const readChunkBytes = 64 << 10

// ReadAll reads r to the end into a buffer whose every allocation the claim
// pays for first. The buffer starts small and doubles as data arrives, up
// to sizeHint+1 when sizeHint (a Content-Length, or -1) is known, so that
// a body of announced length ends in a buffer of its size. An error from
// the claim (ErrIngestBusy, ErrIngestTooLarge) or from r is returned as
// is; the bytes already charged stay on the claim until it is released.
func (c *Claim) ReadAll(r io.Reader, sizeHint int64) ([]byte, error) {
	next := func(size int64) int64 {
		if sizeHint > 0 && size > sizeHint+1 {
			size = sizeHint + 1 // one spare byte to see EOF without regrowing
		}
		return size
	}
	size := next(readChunkBytes)
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
		grown := next(int64(cap(buf)) * 2)
		if grown <= int64(cap(buf)) {
			grown = int64(cap(buf)) * 2 // longer than announced: the reader's limit decides
		}
		if err := c.Grow(grown); err != nil {
			return buf, err
		}
		bigger := make([]byte, len(buf), grown)
		copy(bigger, buf)
		c.Shrink(int64(cap(buf))) // the old buffer is garbage now
		buf = bigger
	}
}
