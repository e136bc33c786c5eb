package processor

import (
	"errors"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// errParse is the error set on a message whose line cannot be decoded. Its
// text is the DLQ entry's `error` value (output.md §7).
var errParse = errors.New("parse error")

// decoded is one event ready for evaluation.
type decoded struct {
	event sigma.Event
	// json is the event's JSON text for the `event` key of results.
	json []byte
	// release returns pooled resources once the event's results are built.
	release func()
}

// decodeLine turns one trimmed, non-empty line into an event per format.
// Only `json` can fail: `auto` falls back to a plain event.
func decodeLine(st *State, format string, line []byte) (decoded, error) {
	switch {
	case format == "json", format == "auto" && (line[0] == '{' || line[0] == '['):
		ev := st.jsonEvent()
		if err := ev.Reset(line); err != nil {
			st.releaseJSONEvent(ev)
			if format == "json" {
				return decoded{}, err
			}
			return plainEvent(string(line)), nil
		}
		return decoded{event: ev, json: line, release: func() { st.releaseJSONEvent(ev) }}, nil
	}
	return plainEvent(string(line)), nil
}

func plainEvent(line string) decoded {
	raw := appendString(append(make([]byte, 0, len(line)+12), `{"_raw":`...), line)
	return decoded{event: sigma.NewPlainEvent(line), json: append(raw, '}'), release: func() {}}
}
