//go:build race

package engine

// raceDetector: sync.Pool drops a quarter of its Puts on purpose under the
// race detector, so allocation counts through pools are not exact.
const raceDetector = true
