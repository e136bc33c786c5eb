package windowsmix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// object is a JSON object that keeps its member order.
type object []member

type member struct {
	key   string
	value any
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.key, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func attrs(kv ...any) object {
	o := make(object, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		o = append(o, member{kv[i].(string), kv[i+1]})
	}
	return o
}

// provider names the event's provider (and its GUID when it has one).
type provider struct {
	name, guid string
}

// header is what every record's System section varies on.
type header struct {
	provider provider
	eventID  int
	channel  string
	task     int
	computer string
	userSID  string
}

// record renders one event in the nested EVTX JSON shape that evtx_dump
// writes and SigmaHQ's regression data uses.
func record(h header, at time.Time, recordID int, data object) object {
	prov := attrs("Name", h.provider.name)
	if h.provider.guid != "" {
		prov = append(prov, member{"Guid", h.provider.guid})
	}
	system := object{
		{"Provider", attrs("#attributes", prov)},
		{"EventID", h.eventID},
		{"Version", 2},
		{"Level", 4},
		{"Task", h.task},
		{"Opcode", 0},
		{"Keywords", "0x8000000000000000"},
		{"TimeCreated", attrs("#attributes", attrs("SystemTime", at.UTC().Format("2006-01-02T15:04:05.000000Z")))},
		{"EventRecordID", recordID},
		{"Correlation", nil},
		{"Execution", attrs("#attributes", attrs("ProcessID", 4, "ThreadID", 100+recordID%900))},
		{"Channel", h.channel},
		{"Computer", h.computer},
	}
	if h.userSID != "" {
		system = append(system, member{"Security", attrs("#attributes", attrs("UserID", h.userSID))})
	} else {
		system = append(system, member{"Security", nil})
	}
	ev := object{
		{"#attributes", attrs("xmlns", "http://schemas.microsoft.com/win/2004/08/events/event")},
		{"System", system},
		{"EventData", data},
	}
	return object{{"Event", ev}}
}
