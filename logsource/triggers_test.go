package logsource

import (
	"bytes"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/lanes"
	"github.com/rsigma-connect/rsigma-connect/internal/windowsmix"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// opaque hides an event's JSON view, so recognition reads every field.
type opaque struct{ sigma.Event }

func (opaque) JSONView() *sigma.JSONEvent { return nil }

// TestTriggersChangeNoKey: the trigger check (an event without any
// trigger field is unrecognized without reading more) gives every event of
// the lanes, the Windows mix and the shape examples the Key that reading
// every field gives, and does skip application JSON.
func TestTriggersChangeNoKey(t *testing.T) {
	f := newFixture(t)
	var docs [][]byte
	for _, l := range lanes.All {
		lines, err := lanes.Lines(l, 2000)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, lines...)
	}
	var mix bytes.Buffer
	if err := windowsmix.Write(&mix, 2000, 16); err != nil {
		t.Fatal(err)
	}
	docs = append(docs, bytes.Split(bytes.TrimSpace(mix.Bytes()), []byte("\n"))...)
	for _, ex := range shapeExamples {
		if ex.event[0] == '{' {
			docs = append(docs, []byte(ex.event))
		}
	}
	recognized := 0
	for _, doc := range docs {
		if err := f.ev.Reset(doc); err != nil {
			t.Fatal(err)
		}
		fast, slow := f.rec.Recognize(f.ev), f.rec.Recognize(opaque{f.ev})
		if fast != slow {
			t.Fatalf("%s: with the trigger check %s, reading every field %s", doc, f.rec.Describe(fast), f.rec.Describe(slow))
		}
		if !fast.Unrecognized() {
			recognized++
		}
	}
	if recognized < len(docs)/2 {
		t.Fatalf("only %d of %d events recognized: the comparison would prove little", recognized, len(docs))
	}
	if err := f.ev.Reset([]byte(`{"EventID":1,"Image":"C:\\x.exe","user":{"name":"a"}}`)); err != nil {
		t.Fatal(err)
	}
	if f.ev.MayHaveAny(f.rec.triggers) {
		t.Error("an application event without a trigger field is not skipped")
	}
}
