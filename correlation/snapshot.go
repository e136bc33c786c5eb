package correlation

import (
	"encoding/json"
	"fmt"
	"slices"
)

// SnapshotVersion is the version of the snapshot JSON written by Snapshot.
const SnapshotVersion = 1

// ErrSnapshotVersion is returned (wrapped) by Restore for a snapshot of an
// unknown version; callers start with fresh state and warn.
var ErrSnapshotVersion = fmt.Errorf("unknown correlation snapshot version")

// snapshot is the versioned, implementation-defined state document stored
// by the daemon. Correlations are keyed by their stable identity (id, else
// name, else title) so that state survives rule reloads.
type snapshot struct {
	Version      int                   `json:"version"`
	Engine       string                `json:"engine,omitempty"`
	MaxTime      int64                 `json:"max_time,omitempty"`
	Correlations []snapshotCorrelation `json:"correlations"`
}

type snapshotCorrelation struct {
	Key     string   `json:"key"`
	Type    string   `json:"type"`
	GroupBy []string `json:"group_by"`
	// Newest is the correlation's high-water mark (absent before any
	// contribution, and in snapshots of older builds).
	Newest *int64          `json:"newest,omitempty"`
	Groups []snapshotGroup `json:"groups"`
}

type snapshotGroup struct {
	Key      []byte          `json:"key"`
	Pairs    [][2]string     `json:"pairs"`
	Newest   int64           `json:"newest"`
	Entries  []snapshotEntry `json:"entries,omitempty"`
	LastEmit *int64          `json:"last_emit,omitempty"`
	Events   []snapshotEvent `json:"events,omitempty"`
}

type snapshotEntry struct {
	T   int64   `json:"t"`
	Ref string  `json:"r,omitempty"` // the reference as written (temporal types)
	N   float64 `json:"n,omitempty"`
	V   []byte  `json:"v,omitempty"`
}

type snapshotEvent struct {
	T    int64   `json:"t"`
	Body []byte  `json:"body,omitempty"` // deflate-compressed JSON
	ID   *string `json:"id,omitempty"`
}

// Snapshot serialises the live state as versioned JSON.
func (e *Engine) Snapshot() ([]byte, error) {
	return json.Marshal(e.snapshot())
}

func (e *Engine) snapshot() *snapshot {
	s := &snapshot{Version: SnapshotVersion, Engine: "rsigma-connect", MaxTime: e.maxTime,
		Correlations: make([]snapshotCorrelation, 0, len(e.corrs))}
	for _, c := range e.corrs {
		sc := snapshotCorrelation{Key: c.rule.StableKey(), Type: c.rule.Type.String(),
			GroupBy: c.rule.GroupBy, Groups: make([]snapshotGroup, 0, len(c.groups))}
		if c.seen {
			newest := c.newest
			sc.Newest = &newest
		}
		for _, g := range c.groups {
			sc.Groups = append(sc.Groups, snapshotOf(c, g))
		}
		s.Correlations = append(s.Correlations, sc)
	}
	return s
}

func snapshotOf(c *compiled, g *group) snapshotGroup {
	sg := snapshotGroup{Key: []byte(g.key), Newest: g.newest}
	for _, p := range g.pairs {
		sg.Pairs = append(sg.Pairs, [2]string{p.Field, p.Value})
	}
	for i, en := range g.entries {
		se := snapshotEntry{T: en.ts}
		switch g.payload {
		case payloadNum:
			se.N = g.nums[i]
		case payloadVal:
			se.V = []byte(g.vals[i])
		}
		if c.rule.Type.isTemporal() {
			se.Ref = c.rule.Refs[en.slot]
		}
		sg.Entries = append(sg.Entries, se)
	}
	if g.emitted {
		t := g.lastEmit
		sg.LastEmit = &t
	}
	for _, it := range g.buf.items {
		ev := snapshotEvent{T: it.ts, Body: it.body}
		if it.ref.HasID {
			id := it.ref.ID
			ev.ID = &id
		}
		sg.Events = append(sg.Events, ev)
	}
	return sg
}

// Restore imports state from a snapshot made by Snapshot (possibly by an
// engine with different rules). State of correlations that no longer exist,
// changed type or changed group-by is dropped. An unknown version returns an
// error wrapping ErrSnapshotVersion and leaves the engine unchanged.
func (e *Engine) Restore(data []byte) error {
	var s snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("correlation snapshot: %w", err)
	}
	if s.Version != SnapshotVersion {
		return fmt.Errorf("%w %d (expected %d)", ErrSnapshotVersion, s.Version, SnapshotVersion)
	}
	e.restore(&s)
	return nil
}

// Adopt moves the live state of old (the engine being replaced on a reload)
// into e, matching correlations by stable identity.
func (e *Engine) Adopt(old *Engine) {
	if old != nil {
		e.restore(old.snapshot())
	}
}

func (e *Engine) restore(s *snapshot) {
	if s.MaxTime > e.maxTime {
		e.maxTime = s.MaxTime
	}
	byKey := make(map[string]*compiled, len(e.corrs))
	for _, c := range e.corrs {
		byKey[c.rule.StableKey()] = c
	}
	limit := e.opts.maxStateEntries()
	for _, sc := range s.Correlations {
		c := byKey[sc.Key]
		if c == nil || c.rule.Type.String() != sc.Type || !slices.Equal(c.rule.GroupBy, sc.GroupBy) {
			continue
		}
		if sc.Newest != nil {
			c.see(*sc.Newest)
		}
		for _, sg := range sc.Groups {
			c.see(sg.Newest) // snapshots without the correlation's own mark
			if e.live >= limit {
				return
			}
			if _, exists := c.groups[string(sg.Key)]; exists {
				continue
			}
			c.groups[string(sg.Key)] = restoreGroup(c, sg)
			e.live++
		}
	}
}

func restoreGroup(c *compiled, sg snapshotGroup) *group {
	pairs := make([]GroupPair, 0, len(sg.Pairs))
	for _, p := range sg.Pairs {
		pairs = append(pairs, GroupPair{Field: p[0], Value: p[1]})
	}
	g := c.newGroup(string(sg.Key), pairs)
	g.newest, g.started = sg.Newest, true
	for _, se := range sg.Entries {
		en := entry{ts: se.T}
		if c.rule.Type.isTemporal() {
			slot := slices.Index(c.rule.Refs, se.Ref)
			if slot < 0 {
				continue
			}
			en.slot = int32(slot)
		}
		g.insert(en, se.N, string(se.V))
	}
	if sg.LastEmit != nil {
		g.emitted, g.lastEmit = true, *sg.LastEmit
	}
	for _, ev := range sg.Events {
		be := bufferedEvent{ts: ev.T, body: ev.Body, ref: EventRef{Timestamp: ev.T / 1000}}
		if ev.ID != nil {
			be.ref.ID, be.ref.HasID = *ev.ID, true
		}
		g.buf.add(be, c.settings.maxEvents)
	}
	return g
}
