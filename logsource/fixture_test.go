package logsource

import (
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/format"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// fixture recognizes events the way the daemon reads them: lines through
// the input decoder (which flattens EVTX records) into a JSONEvent bound to
// the FieldTable the recognizer interned its fields in.
type fixture struct {
	t     testing.TB
	table *sigma.FieldTable
	rec   *Recognizer
	ev    *sigma.JSONEvent
	decs  map[format.Name]*format.Decoder
}

func newFixture(t testing.TB, declared ...Mapping) *fixture {
	t.Helper()
	table := sigma.NewFieldTable()
	rec := New(Options{Field: table.Intern, Declared: declared})
	decs := map[format.Name]*format.Decoder{}
	for _, name := range []format.Name{format.Auto, format.CEF, format.Logfmt} {
		dec, err := format.New(format.Options{Format: name})
		if err != nil {
			t.Fatal(err)
		}
		decs[name] = dec
	}
	return &fixture{t: t, table: table, rec: rec, ev: sigma.NewJSONEvent(table), decs: decs}
}

// key decodes line as the daemon does (--input-format cef for a CEF line,
// logfmt for an auditd record, else auto) and recognizes the one event.
func (f *fixture) key(line string) Key {
	f.t.Helper()
	dec := f.decs[format.Auto]
	switch {
	case strings.HasPrefix(line, "CEF:"):
		dec = f.decs[format.CEF]
	case strings.HasPrefix(line, "type="):
		dec = f.decs[format.Logfmt]
	}
	var k Key
	n := 0
	err := dec.Decode([]byte(line), func(d format.Decoded) error {
		n++
		switch d.Kind {
		case format.KindJSON:
			if err := f.ev.Reset(d.JSON); err != nil {
				return err
			}
			k = f.rec.Recognize(f.ev)
		case format.KindFields:
			k = f.rec.Recognize(sigma.NewFieldsEvent(d.Keys, d.Values))
		default:
			k = f.rec.Recognize(sigma.NewPlainEvent(d.Line))
		}
		return nil
	})
	if err != nil || n != 1 {
		f.t.Fatalf("decoding %s: %d events, %v", line, n, err)
	}
	return k
}

// recognize returns what line reveals.
func (f *fixture) recognize(line string) Recognized {
	f.t.Helper()
	return f.rec.Describe(f.key(line))
}

// recognizeRaw recognizes a JSON document without the decoder, so a nested
// EVTX record stays nested.
func (f *fixture) recognizeRaw(doc string) Recognized {
	f.t.Helper()
	if err := f.ev.Reset([]byte(doc)); err != nil {
		f.t.Fatalf("%s: %v", doc, err)
	}
	return f.rec.Describe(f.rec.Recognize(f.ev))
}

// ls builds an expected Recognized: "?" is unknown, "" is none, "a,b" is
// {a,b}.
func ls(product, service, category string) Recognized {
	d := func(s string) Dimension {
		if s == "?" {
			return Unknown()
		}
		if s == "" {
			return OneOf()
		}
		return OneOf(strings.Split(s, ",")...)
	}
	return Recognized{Product: d(product), Service: d(service), Category: d(category)}
}

var unrecognized = ls("?", "?", "?")
