package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/correlation/store"
)

// Position is the acknowledged input position: the largest stream sequence
// and the latest publish time (unix seconds) among the messages whose ack
// was sent; ok is false while none was. It is stored with every correlation
// state snapshot (source_sequence, source_timestamp; daemon.md §10).
type Position interface {
	Load() (sequence uint64, unixSeconds int64, ok bool)
}

// ErrStateDB marks a state database that cannot be opened (corrupt,
// foreign, unwritable); the daemon maps it to exit code 3.
var ErrStateDB = errors.New("correlation state database unusable")

// stateKeeper persists the correlation state: restored once at startup,
// saved every SaveInterval and when the evaluator closes (daemon.md §10).
type stateKeeper struct {
	s     StateSettings
	db    *store.Store
	pos   Position // nil: no input position
	log   Logger
	saved store.Position // position of the stored row, kept when nothing new was acked

	once sync.Once
	stop chan struct{}
	done chan struct{}
}

func openStateKeeper(s StateSettings, o Options) (*stateKeeper, error) {
	db, err := store.Open(context.Background(), s.Path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStateDB, err)
	}
	return &stateKeeper{s: s, db: db, pos: o.Position, log: o.Logger}, nil
}

// restore imports the stored snapshot into ce when the restore policy and
// the replay position allow it. Problems are warnings: the engine then
// starts with fresh state (the row is overwritten at the next save).
func (k *stateKeeper) restore(ce *correlation.Engine) {
	saved, err := k.db.Load(context.Background())
	if err != nil {
		k.log.Warnf("correlation state not restored: %v", err)
		return
	}
	if saved == nil {
		return
	}
	k.saved = saved.Position
	if ok, why := k.shouldRestore(saved.Position); !ok {
		k.log.Infof("correlation state not restored: %s", why)
		return
	}
	if err := ce.Restore(saved.Snapshot); err != nil {
		k.log.Warnf("correlation state in %s ignored, starting fresh: %v", k.s.Path, err)
		return
	}
	k.log.Infof("restored correlation state from %s: %d groups (saved %s)", k.s.Path,
		ce.StateEntries(), saved.UpdatedAt.UTC().Format(time.RFC3339))
}

// shouldRestore applies the decision table of daemon.md §10.
func (k *stateKeeper) shouldRestore(stored store.Position) (bool, string) {
	s := k.s
	switch {
	case s.Restore == RestoreNever:
		return false, "--clear-state"
	case s.Restore == RestoreAlways:
		return true, ""
	case s.ReplayFromLatest:
		return false, "replaying from the latest message"
	case s.ReplayFromSequence > 0:
		if stored.Valid && s.ReplayFromSequence > stored.Sequence {
			return true, ""
		}
		return false, fmt.Sprintf("replay from sequence %d does not start after the stored position", s.ReplayFromSequence)
	case !s.ReplayFromTime.IsZero():
		if stored.Valid && s.ReplayFromTime.Unix() > stored.Timestamp {
			return true, ""
		}
		return false, "replay from time does not start after the stored position"
	}
	return true, ""
}

func (k *stateKeeper) running() bool { return k.stop != nil }

// start saves every SaveInterval until close; the first save happens one
// interval after start.
func (k *stateKeeper) start(snapshot func() ([]byte, bool, error)) {
	k.stop, k.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(k.done)
		t := time.NewTicker(k.s.SaveInterval)
		defer t.Stop()
		for {
			select {
			case <-k.stop:
				return
			case <-t.C:
				if err := k.save(snapshot); err != nil {
					k.log.Errorf("saving correlation state: %v", err)
				}
			}
		}
	}()
}

// save writes one snapshot with the acknowledged source position.
func (k *stateKeeper) save(snapshot func() ([]byte, bool, error)) error {
	data, ok, err := snapshot()
	if err != nil || !ok {
		return err
	}
	pos := k.saved
	if k.pos != nil {
		if seq, unix, acked := k.pos.Load(); acked {
			pos = store.Position{Sequence: seq, Timestamp: unix, Valid: true}
		}
	}
	return k.db.Save(context.Background(), data, pos)
}

// close stops the periodic saver, writes the final snapshot and closes the
// database. Safe to call more than once.
func (k *stateKeeper) close(snapshot func() ([]byte, bool, error)) error {
	var err error
	k.once.Do(func() {
		if k.stop != nil {
			close(k.stop)
			<-k.done
		}
		err = k.save(snapshot)
		if cerr := k.db.Close(); err == nil {
			err = cerr
		}
	})
	return err
}
