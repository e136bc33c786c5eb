package processor

import (
	"testing"
	"time"
)

func TestPositionOnlyRises(t *testing.T) {
	var p Position
	if _, _, ok := p.Load(); ok {
		t.Fatal("zero Position reports a position")
	}
	t0 := time.Unix(1000, 0)
	p.Observe(5, t0)
	p.Observe(3, t0.Add(10*time.Second))
	p.Observe(4, t0.Add(-time.Second))
	seq, unix, ok := p.Load()
	if !ok || seq != 5 || unix != 1010 {
		t.Fatalf("got %d %d %v, want 5 1010 true", seq, unix, ok)
	}
}
