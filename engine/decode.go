package engine

import (
	"errors"
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/format"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// ErrParse is the Output.Err of a line that cannot be decoded. Its text is
// the DLQ entry's `error` value (output.md §7).
var ErrParse = errors.New("parse error")

// decoded is one event ready for evaluation.
type decoded struct {
	event sigma.Event
	// json is the event's JSON text for the `event` key of results.
	json []byte
	// pooled is event when it came from st's pool of JSON events (no
	// closure per event to give it back: release).
	pooled *sigma.JSONEvent
	st     *State
	// onRelease, when set, is called by release instead.
	onRelease func()
}

// release returns pooled resources once the event's results are built.
func (d decoded) release() {
	switch {
	case d.onRelease != nil:
		d.onRelease()
	case d.pooled != nil:
		d.st.releaseJSONEvent(d.pooled)
	}
}

// decoders are the evaluator's line decoder and the decoder of lines marked
// as JSON events (Line.JSON).
type decoders struct {
	lines, records *format.Decoder
}

// newDecoder builds the line decoder of s (input_format, syslog_tz, jq,
// jsonpath). jq runtime errors are logged and the failing output skipped.
func newDecoder(s Settings, warn func(string, ...any)) (*decoders, error) {
	lines, err := format.New(format.Options{
		Format:        format.Name(s.InputFormat),
		SyslogTZ:      s.SyslogTZ,
		SyslogKeepBOM: !s.SyslogStripBOM,
		JQ:            s.JQ,
		JSONPath:      s.JSONPath,
		OnFilterError: func(err error) { warn("event filter: %v", err) },
		// toEvent's JSONEvent.Reset validates each JSON event in the pass
		// that extracts its fields.
		DeferJSONCheck: true,
	})
	if err != nil {
		return nil, err
	}
	records, err := format.New(format.Options{Format: format.JSON, DeferJSONCheck: true})
	if err != nil {
		return nil, err
	}
	return &decoders{lines: lines, records: records}, nil
}

// decodeEach decodes line (the text of l) and calls fn once per resulting event
// (jq and JSONPath may yield zero or several); fn owns the event and must
// call its release once done with it. It returns the number of events; a
// non-nil error means the line is undecodable for the input format and
// nothing was evaluated.
func (e *Evaluator) decodeEach(st *State, l *Line, line []byte, fn func(decoded)) (int, error) {
	dec := e.decoder.lines
	if l.JSON {
		dec = e.decoder.records
	}
	events := 0
	err := dec.Decode(line, func(fd format.Decoded) error {
		d, err := toEvent(st, &fd)
		if err != nil {
			return err
		}
		events++
		fn(d)
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
		return decoded{event: ev, json: fd.JSON, pooled: ev, st: st}, nil
	case format.KindFields:
		return decoded{event: sigma.NewFieldsEvent(fd.Keys, fd.Values), json: fd.AppendEventJSON(nil)}, nil
	default:
		return decoded{event: sigma.NewPlainEvent(fd.Line), json: fd.AppendEventJSON(nil)}, nil
	}
}
