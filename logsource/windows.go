package logsource

import (
	"math"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// Windows events are recognized by their channel, read from the first of:
//
//   - Event.System.Channel: the EVTX JSON shape, nested or as flattened by
//     the input decoder (which keeps the original under Event). Read before
//     the flat Channel because flattening lets a record's UserData win
//     (Eventlog-cleared events name the cleared log there);
//   - winlog.channel: Winlogbeat / ECS;
//   - Channel, with an EventID beside it: flat events (NXLog, the benchmark
//     lanes, SigmaHQ's own flattening). A channel missing from the table
//     counts only when it has a '/' (Microsoft-Windows-X/Operational), so an
//     application's own "Channel" field is not taken for Windows.
//
// The EventID comes from Event.System.EventID (or its #text), else
// EventID; for ECS from winlog.event_id, else event.code.

// channelEntry holds the precomputed Keys of one channel.
type channelEntry struct {
	byID  map[int]Key
	other Key // an EventID the row does not list
	anyID Key // no readable EventID
}

// key returns the Key of an event of this channel with EventID id.
func (c *channelEntry) key(id sigma.Value) Key {
	n, ok := eventID(&id)
	if !ok {
		return c.anyID
	}
	if k, ok := c.byID[n]; ok {
		return k
	}
	return c.other
}

type windowsIndex struct {
	channels map[string]*channelEntry // lower-case channel name
	unlisted channelEntry             // a Windows channel not in the table

	evtxChannel, evtxEventID, evtxEventIDText *sigma.Field
	winlogChannel, winlogEventID, ecsCode     *sigma.Field
	channel, eventID                          *sigma.Field
}

func (r *Recognizer) compileWindows(rows []ChannelMapping) {
	w := &r.windows
	w.channels = map[string]*channelEntry{}
	for _, row := range rows {
		e := r.compileChannel(row)
		for _, name := range row.Channels {
			w.channels[strings.ToLower(name)] = e
		}
	}
	none := r.intern(Recognized{Product: OneOf("windows"), Service: OneOf(), Category: OneOf()})
	w.unlisted = channelEntry{other: none, anyID: none}
	w.evtxChannel = r.field("Event.System.Channel")
	w.evtxEventID = r.field("Event.System.EventID")
	w.evtxEventIDText = r.field("Event.System.EventID.#text")
	w.winlogChannel = r.field("winlog.channel")
	w.winlogEventID = r.field("winlog.event_id")
	w.ecsCode = r.field("event.code")
	w.channel = r.field("Channel")
	w.eventID = r.field("EventID")
}

func (r *Recognizer) compileChannel(row ChannelMapping) *channelEntry {
	products := row.Products
	if products == nil {
		products = []string{"windows"}
	}
	base := Recognized{Product: OneOf(products...)}
	if row.RevealsProductOnly {
		k := r.intern(base)
		return &channelEntry{other: k, anyID: k}
	}
	base.Service = OneOf()
	if row.Service != "" {
		base.Service = OneOf(row.Service)
	}
	with := func(categories ...string) Key {
		l := base
		l.Category = OneOf(append(append([]string{}, row.Categories...), categories...)...)
		return r.intern(l)
	}
	e := &channelEntry{byID: map[int]Key{}, other: with()}
	var all []string
	for _, ec := range row.Events {
		for _, id := range ec.IDs {
			e.byID[id] = with(ec.Categories...)
		}
		all = append(all, ec.Categories...)
	}
	e.anyID = with(all...)
	return e
}

// entries returns every channel entry, the unlisted one included.
func (w *windowsIndex) entries() []*channelEntry {
	out := []*channelEntry{&w.unlisted}
	for _, e := range w.channels {
		out = append(out, e)
	}
	return out
}

// recognize returns the Key of a Windows event, or false when ev shows no
// Windows channel.
func (w *windowsIndex) recognize(ev sigma.Event) (Key, bool) {
	if ch := ev.Field(w.evtxChannel); ch.Kind == sigma.KindString {
		id := ev.Field(w.evtxEventID)
		if id.Kind == sigma.KindObject {
			id = ev.Field(w.evtxEventIDText)
		}
		if id.Kind == sigma.KindMissing {
			id = ev.Field(w.eventID)
		}
		return w.entry(&ch, true).key(id), true
	}
	if ch := ev.Field(w.winlogChannel); ch.Kind == sigma.KindString {
		id := ev.Field(w.winlogEventID)
		if id.Kind == sigma.KindMissing {
			id = ev.Field(w.ecsCode)
		}
		return w.entry(&ch, true).key(id), true
	}
	if ch := ev.Field(w.channel); ch.Kind == sigma.KindString {
		id := ev.Field(w.eventID)
		if id.Kind == sigma.KindMissing {
			return Key{}, false
		}
		e := w.entry(&ch, strings.IndexByte(ch.Str, '/') >= 0)
		if e == nil {
			return Key{}, false
		}
		return e.key(id), true
	}
	return Key{}, false
}

// entry returns the table row of the channel; for a channel the table does
// not list, the unlisted entry when anyChannel, else nil.
func (w *windowsIndex) entry(ch *sigma.Value, anyChannel bool) *channelEntry {
	name, _ := folded(ch)
	if e, ok := w.channels[name]; ok {
		return e
	}
	if anyChannel {
		return &w.unlisted
	}
	return nil
}

// eventID reads a Windows EventID: a non-negative integer, as a JSON number
// or a decimal string.
func eventID(v *sigma.Value) (int, bool) {
	f, ok := v.Number()
	if !ok || f < 0 || f > math.MaxInt32 || f != math.Trunc(f) {
		return 0, false
	}
	return int(f), true
}
