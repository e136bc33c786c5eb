package fleet

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/rsigma-connect/rsigma-connect/correlation"
)

// ErrNotOwned is returned (wrapped) by Apply for a batch of a partition
// this member does not own in the batch's epoch: the partition moved, and
// its new owner applies the batch.
var ErrNotOwned = errors.New("partition not owned")

// Correlator holds the correlation state of the partitions a fleet member
// owns, one engine each (correlation.Engine.Fresh of the rules), and
// applies contribution batches to them. It is safe for concurrent use; the
// batches of one partition must be applied one at a time, in source order,
// which the transport in front of it guarantees.
//
// A partition is either managed or not. A transport that leases
// partitions (the JetStream one) Installs each with the epoch of its lease,
// restoring the checkpointed state, and applies batches with that epoch; a
// batch of an older epoch is refused. Without one (epoch 0), a partition
// starts empty the first time a batch reaches it.
type Correlator struct {
	mu        sync.RWMutex
	rules     *correlation.Engine
	configure func(*correlation.Engine)
	parts     map[int]*partition
}

type partition struct {
	mu      sync.Mutex
	epoch   uint64
	engine  *correlation.Engine // nil until the rules are known
	pending []byte              // snapshot to restore once they are
}

// Firing is one correlation result and its FiringID.
type Firing struct {
	correlation.Result
	ID string
}

// NewCorrelator returns a Correlator without rules or partitions.
func NewCorrelator() *Correlator { return &Correlator{parts: map[int]*partition{}} }

type correlatorKey struct{}

// SharedCorrelator returns the Correlator shared by the components of one
// stream, given the stream's get-or-set store for shared values (Benthos:
// Resources.GetOrSetGeneric).
func SharedCorrelator(getOrSet func(key, value any) (any, bool)) *Correlator {
	v, _ := getOrSet(correlatorKey{}, NewCorrelator())
	return v.(*Correlator)
}

// Configure sets fn to be called on every engine the Correlator creates
// (hooks such as OnLate and OnEvict), now and after every rules change.
func (c *Correlator) Configure(fn func(*correlation.Engine)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.configure = fn
	for _, p := range c.parts {
		p.mu.Lock()
		if p.engine != nil && fn != nil {
			fn(p.engine)
		}
		p.mu.Unlock()
	}
}

// HasRules reports whether SetRules was called.
func (c *Correlator) HasRules() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.rules != nil
}

// SetRules makes rules (compiled correlations; only Fresh is called on
// them) the ones every partition runs: each partition's live state moves
// to a fresh engine of the new rules (correlation.Engine.Adopt), or its
// pending snapshot is restored there.
func (c *Correlator) SetRules(rules *correlation.Engine) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rules = rules
	var first error
	for id, p := range c.parts {
		p.mu.Lock()
		if err := c.renew(p); err != nil && first == nil {
			first = fmt.Errorf("partition %d: %w", id, err)
		}
		p.mu.Unlock()
	}
	return first
}

// renew moves p onto a fresh engine of c.rules. c.mu and p.mu are held.
func (c *Correlator) renew(p *partition) error {
	if c.rules == nil {
		return nil
	}
	fresh := c.rules.Fresh()
	if c.configure != nil {
		c.configure(fresh)
	}
	var err error
	switch {
	case p.engine != nil:
		fresh.Adopt(p.engine)
	case p.pending != nil:
		err = fresh.Restore(p.pending)
		p.pending = nil
	}
	p.engine = fresh
	return err
}

// Install makes partition id owned in epoch (> 0) with the state of
// snapshot (correlation.Engine.Snapshot; empty for a partition without
// state), replacing whatever this member held for it. A snapshot that
// cannot be read leaves the partition installed with empty state and is
// returned as an error.
func (c *Correlator) Install(id int, epoch uint64, snapshot []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := &partition{epoch: epoch}
	if len(snapshot) > 0 {
		p.pending = slices.Clone(snapshot)
	}
	c.parts[id] = p
	if err := c.renew(p); err != nil {
		return fmt.Errorf("partition %d: restoring its state: %w", id, err)
	}
	return nil
}

// Drop forgets partition id if it is held in epoch (any epoch when epoch
// is 0) and reports whether it was.
func (c *Correlator) Drop(id int, epoch uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.parts[id]
	if !ok || epoch != 0 && p.epoch != epoch {
		return false
	}
	delete(c.parts, id)
	return true
}

// Snapshot serialises partition id's state, which must be held in epoch.
func (c *Correlator) Snapshot(id int, epoch uint64) ([]byte, error) {
	p, err := c.held(id, epoch, false)
	if err != nil {
		return nil, err
	}
	defer p.mu.Unlock()
	if p.engine == nil {
		return slices.Clone(p.pending), nil
	}
	return p.engine.Snapshot()
}

// held returns partition id locked, checking the epoch; lazy creates an
// unmanaged partition (epoch 0) on first use.
func (c *Correlator) held(id int, epoch uint64, lazy bool) (*partition, error) {
	c.mu.RLock()
	p, ok := c.parts[id]
	c.mu.RUnlock()
	if !ok && lazy && epoch == 0 {
		c.mu.Lock()
		if p, ok = c.parts[id]; !ok {
			p = &partition{}
			_ = c.renew(p)
			c.parts[id] = p
			ok = true
		}
		c.mu.Unlock()
	}
	if !ok {
		return nil, fmt.Errorf("partition %d (epoch %d): %w", id, epoch, ErrNotOwned)
	}
	p.mu.Lock()
	if p.epoch != epoch {
		held := p.epoch
		p.mu.Unlock()
		return nil, fmt.Errorf("partition %d: epoch %d, held in epoch %d: %w", id, epoch, held, ErrNotOwned)
	}
	return p, nil
}

// ErrNoRules is returned by Apply before SetRules was called.
var ErrNoRules = errors.New("no correlation rules loaded")

// Apply applies batch b to its partition, which must be held in epoch (an
// unmanaged one, epoch 0, is created on first use), and appends its
// firings with their ids to dst. origin names the batch (BatchOrigin).
// skipped counts contributions whose correlation rule is not loaded here
// (or changed type or group-by).
func (c *Correlator) Apply(b *Batch, epoch uint64, origin string, dst []Firing) (_ []Firing, skipped int, err error) {
	p, err := c.held(b.Partition, epoch, true)
	if err != nil {
		return dst, 0, err
	}
	defer p.mu.Unlock()
	if p.engine == nil {
		return dst, 0, ErrNoRules
	}
	results, skipped := p.engine.Apply(b.Contributions, nil)
	for i := range results {
		dst = append(dst, Firing{Result: results[i], ID: FiringID(&results[i], origin, i)})
	}
	return dst, skipped, nil
}

// Held is one partition a Correlator holds.
type Held struct {
	Partition int    `json:"partition"`
	Epoch     uint64 `json:"epoch"`
	Groups    int    `json:"groups"`
}

// Partitions lists the partitions held, by number.
func (c *Correlator) Partitions() []Held {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]Held, 0, len(c.parts))
	for id, p := range c.parts {
		p.mu.Lock()
		h := Held{Partition: id, Epoch: p.epoch}
		if p.engine != nil {
			h.Groups = p.engine.StateEntries()
		}
		p.mu.Unlock()
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Held) int { return a.Partition - b.Partition })
	return out
}
