package sigma

import "testing"

// TestJSONEventMayHaveAny: an event bound to the table answers from its
// extraction, nested paths included; anything it cannot prove is true.
func TestJSONEventMayHaveAny(t *testing.T) {
	tab := NewFieldTable()
	channel, nested, other := tab.Intern("Channel"), tab.Intern("Event.System.Channel"), tab.Intern("Image")
	set := NewFieldSet([]*Field{channel, nested})
	ev := NewJSONEvent(tab)
	for _, c := range []struct {
		doc  string
		want bool
	}{
		{`{"Image":"a.exe","EventID":1}`, false},
		{`{"Channel":"Security"}`, true},
		{`{"Channel":null}`, true},
		{`{"Event":{"System":{"Channel":"System"}}}`, true},
		{`{"Event":{"System":{"Computer":"x"}}}`, false},
		{`{"Image":"a","Image":"b"}`, true}, // repeated key: cannot tell
	} {
		if err := ev.Reset([]byte(c.doc)); err != nil {
			t.Fatal(err)
		}
		if got := ev.MayHaveAny(set); got != c.want {
			t.Errorf("%s: MayHaveAny = %v, want %v", c.doc, got, c.want)
		}
	}
	_ = other
	late := tab.Intern("winlog.channel") // interned after ev was bound
	if err := ev.Reset([]byte(`{"winlog":{"channel":"Security"}}`)); err != nil {
		t.Fatal(err)
	}
	if !ev.MayHaveAny(NewFieldSet([]*Field{channel, late})) {
		t.Error("a field the event's plan does not hold must answer true")
	}
	if !ev.MayHaveAny(NewFieldSet([]*Field{NewField("Channel")})) {
		t.Error("an ad-hoc field must answer true")
	}
}
