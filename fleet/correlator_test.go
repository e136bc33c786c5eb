package fleet_test

import (
	"errors"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/fleet"
)

// bruteForce returns the batches of four failed logons of bob, 1 s apart:
// the fourth makes "Brute force" fire.
func bruteForce(t *testing.T, rules *rulesEngine) []fleet.Batch {
	var out []fleet.Batch
	for i := range 4 {
		line := `{"EventID":4625,"User":"bob","Host":"h1","SrcIp":"10.0.0.1","@timestamp":"2026-03-01T08:00:0` + string(rune('0'+i)) + `Z"}`
		cts := rules.corr.Contributions(rules.input(t, line), nil)
		shares, _ := fleet.Split(rules.corr, cts, 1, nil)
		if len(shares) != 1 {
			t.Fatalf("%d shares", len(shares))
		}
		out = append(out, fleet.Batch{Partition: 0, Position: uint64(i + 1), Contributions: shares[0].Contributions})
	}
	return out
}

func TestCorrelatorEpochs(t *testing.T) {
	rules := compileRules(t, correlation.Options{})
	batches := bruteForce(t, rules)
	c := fleet.NewCorrelator()
	c.SetRules(rules.corr)
	if err := c.Install(0, 7, nil); err != nil {
		t.Fatal(err)
	}
	for _, b := range batches[:3] {
		if _, _, err := c.Apply(&b, 7, fleet.BatchOrigin(b.Position, 0), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := c.Apply(&batches[3], 6, "p4", nil); !errors.Is(err, fleet.ErrNotOwned) {
		t.Fatalf("a batch of an older epoch: %v, want ErrNotOwned", err)
	}
	snap, err := c.Snapshot(0, 7)
	if err != nil {
		t.Fatal(err)
	}

	// A reload keeps the state; so does a new owner restoring the snapshot.
	c.SetRules(compileRules(t, correlation.Options{}).corr)
	other := fleet.NewCorrelator()
	if err := other.Install(0, 8, snap); err != nil { // before the rules: kept pending
		t.Fatal(err)
	}
	other.SetRules(rules.corr)
	for _, owner := range []struct {
		c     *fleet.Correlator
		epoch uint64
	}{{c, 7}, {other, 8}} {
		firings, _, err := owner.c.Apply(&batches[3], owner.epoch, "p4", nil)
		if err != nil || len(firings) != 1 || firings[0].Rule.Title != "Brute force" || firings[0].Value != 4 {
			t.Fatalf("epoch %d: %v %+v, want Brute force at 4", owner.epoch, err, firings)
		}
		if firings[0].ID != fleet.FiringID(&firings[0].Result, "p4", 0) || len(firings[0].ID) != 32 {
			t.Fatalf("firing id %q", firings[0].ID)
		}
	}
	if !c.Drop(0, 7) || c.Drop(0, 7) {
		t.Fatal("Drop")
	}
	if held := other.Partitions(); len(held) != 1 || held[0].Epoch != 8 || held[0].Groups != 3 { // brute force, spray, and the chained ordered rule
		t.Fatalf("held %+v", held)
	}
}

// Without a leasing transport (epoch 0) a partition starts empty at its
// first batch.
func TestCorrelatorUnmanaged(t *testing.T) {
	rules := compileRules(t, correlation.Options{})
	c := fleet.NewCorrelator()
	c.SetRules(rules.corr)
	var firings []fleet.Firing
	for _, b := range bruteForce(t, rules) {
		var err error
		if firings, _, err = c.Apply(&b, 0, fleet.BatchOrigin(b.Position, 0), firings); err != nil {
			t.Fatal(err)
		}
	}
	if len(firings) != 1 {
		t.Fatalf("%d firings", len(firings))
	}
}
