// Package poll waits in tests for a condition to become true, checking it
// at short intervals up to a timeout: tests wait on conditions, never on
// fixed sleeps.
package poll

import (
	"testing"
	"time"
)

// interval is the pause between two checks of a condition.
const interval = 10 * time.Millisecond

// Until checks cond until it returns true or timeout has passed, and
// reports whether it returned true.
func Until(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(interval)
	}
	return true
}

// Wait fails t, naming what it waited for, when cond does not return true
// within timeout.
func Wait(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !Until(timeout, cond) {
		t.Fatalf("timed out after %v waiting for %s", timeout, what)
	}
}
