package processor

import (
	"errors"
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/format"
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

// newDecoder builds the line decoder of s (input_format, syslog_tz, jq,
// jsonpath). jq runtime errors are logged and the failing output skipped.
func newDecoder(s Settings, warn func(string, ...any)) (*format.Decoder, error) {
	return format.New(format.Options{
		Format:        format.Name(s.InputFormat),
		SyslogTZ:      s.SyslogTZ,
		SyslogKeepBOM: !s.SyslogStripBOM,
		JQ:            s.JQ,
		JSONPath:      s.JSONPath,
		OnFilterError: func(err error) { warn("event filter: %v", err) },
	})
}

// decodeEach decodes one line and calls fn once per resulting event (jq and
// JSONPath may yield zero or several). It returns the number of events
// evaluated; a non-nil error means the line is undecodable for the input
// format and nothing was evaluated.
func (p *Processor) decodeEach(st *State, line []byte, fn func(decoded)) (int, error) {
	events := 0
	err := p.decoder.Decode(line, func(fd format.Decoded) error {
		d, err := toEvent(st, &fd)
		if err != nil {
			return err
		}
		events++
		fn(d)
		d.release()
		return nil
	})
	return events, err
}

// toEvent maps a decoded line onto the sigma.Event implementation of its
// kind. The event's JSON text is copied only when results may need it.
func toEvent(st *State, fd *format.Decoded) (decoded, error) {
	switch fd.Kind {
	case format.KindJSON:
		ev := st.jsonEvent()
		if err := ev.Reset(fd.JSON); err != nil {
			st.releaseJSONEvent(ev)
			return decoded{}, fmt.Errorf("%w: %v", format.ErrParse, err)
		}
		return decoded{event: ev, json: fd.JSON, release: func() { st.releaseJSONEvent(ev) }}, nil
	case format.KindFields:
		return decoded{event: sigma.NewFieldsEvent(fd.Keys, fd.Values), json: fd.AppendEventJSON(nil), release: func() {}}, nil
	default:
		return decoded{event: sigma.NewPlainEvent(fd.Line), json: fd.AppendEventJSON(nil), release: func() {}}, nil
	}
}
