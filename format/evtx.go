package format

import (
	"bytes"

	"github.com/rsigma-connect/rsigma-connect/internal/jsontext"
)

// EVTX records rendered as JSON (the shape of `evtx_dump -o json` and of
// SigmaHQ's regression_data) nest every field the Windows rules name:
// {"Event":{"System":{"EventID":1,"Provider":{"#attributes":{"Name":…}},…},
// "EventData":{"Image":…,"CommandLine":…}}}. Sigma's Windows rules use the
// flat names (EventID, Image, Provider_Name), so such events are flattened
// on decode (input-formats.md §10 allows a flattening decoder): the flat
// keys come first and the original nested value stays under "Event", so
// rules or pipelines that name Event.EventData.X keep working.

// evtxKey is the first member name of an EVTX-shaped event.
var evtxKey = []byte(`"Event"`)

// isEVTXPrefix reports whether raw starts like an EVTX-shaped event
// (`{"Event"`); such lines are always validated before they are flattened.
func isEVTXPrefix(raw []byte) bool {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	return bytes.HasPrefix(raw[skipSpace(raw, i+1):], evtxKey)
}

// isEVTX reports whether raw is an object whose first member is "Event"
// holding an object with a "System" member. It only looks at the start of
// the value, so ordinary events cost one comparison.
func isEVTX(raw []byte) bool {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i = skipSpace(raw, i+1)
	if !bytes.HasPrefix(raw[i:], evtxKey) {
		return false
	}
	i = skipSpace(raw, i+len(evtxKey))
	if i >= len(raw) || raw[i] != ':' {
		return false
	}
	i = skipSpace(raw, i+1)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	found := false
	objectMembers(raw, i, func(key string, _, _ int) bool {
		found = key == "System"
		return !found
	})
	return found
}

// flattenEVTX appends to dst the flat form of the EVTX-shaped object raw
// (see isEVTX): EventData members, then the members of each UserData
// element, then System members, then "Event" with the original value. A member
// that is an object is flattened one level: its "#text" becomes the value
// of its own name and each "#attributes" entry becomes <name>_<attribute>
// (Provider_Name, TimeCreated_SystemTime, EventID_Qualifiers). When a name
// repeats, the first occurrence wins, so the record's own data beats the
// System header: Eventlog Cleared (EventID 104) filters on the Channel of
// its UserData, the log that was cleared, not on the System channel.
func flattenEVTX(dst, raw []byte) []byte {
	f := evtxFlattener{dst: append(dst, '{'), seen: map[string]bool{}}
	start := skipSpace(raw, 0)
	objectMembers(raw, start, func(key string, s, e int) bool {
		if key != "Event" {
			return true
		}
		event := raw[s:e]
		f.section(event, "EventData")
		f.userData(event)
		f.section(event, "System")
		f.member("Event", event)
		return false
	})
	return append(f.dst, '}')
}

type evtxFlattener struct {
	dst  []byte
	seen map[string]bool
}

// member appends "name":value unless name was written already.
func (f *evtxFlattener) member(name string, value []byte) {
	if f.seen[name] {
		return
	}
	f.seen[name] = true
	if len(f.seen) > 1 {
		f.dst = append(f.dst, ',')
	}
	f.dst = jsontext.AppendString(f.dst, name)
	f.dst = append(f.dst, ':')
	f.dst = append(f.dst, value...)
}

// section flattens the members of event[name] when it is an object.
func (f *evtxFlattener) section(event []byte, name string) {
	objectMembers(event, 0, func(key string, s, e int) bool {
		if key == name && event[s] == '{' {
			f.members(event[s:e])
		}
		return true
	})
}

// userData flattens the members of every element under UserData (its
// children are named after the event's XML element, e.g. LogFileCleared).
func (f *evtxFlattener) userData(event []byte) {
	objectMembers(event, 0, func(key string, s, e int) bool {
		if key != "UserData" || event[s] != '{' {
			return true
		}
		ud := event[s:e]
		objectMembers(ud, 0, func(_ string, s, e int) bool {
			if ud[s] == '{' {
				f.members(ud[s:e])
			}
			return true
		})
		return true
	})
}

// members writes each member of obj, flattening #text and #attributes.
func (f *evtxFlattener) members(obj []byte) {
	objectMembers(obj, 0, func(key string, s, e int) bool {
		v := obj[s:e]
		if key == "#attributes" {
			return true
		}
		if v[0] != '{' {
			f.member(key, v)
			return true
		}
		objectMembers(v, 0, func(sub string, ss, se int) bool {
			switch sub {
			case "#text":
				f.member(key, v[ss:se])
			case "#attributes":
				if v[ss] == '{' {
					attrs := v[ss:se]
					objectMembers(attrs, 0, func(attr string, as, ae int) bool {
						f.member(key+"_"+attr, attrs[as:ae])
						return true
					})
				}
			}
			return true
		})
		return true
	})
}
