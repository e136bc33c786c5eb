package sigma

import "testing"

// TestValueNumberFollowsC39 pins Value.Number to the numeric reading of
// detection matching (conformance C39): what an `EventID: 4624` item
// matches numerically is exactly what Number reads as 4624.
func TestValueNumberFollowsC39(t *testing.T) {
	table := NewFieldTable()
	f := table.Intern("EventID")
	ev := NewJSONEvent(table)
	for _, tc := range []struct {
		doc  string
		want float64
		ok   bool
	}{
		{`{"EventID":4624}`, 4624, true},
		{`{"EventID":"4624"}`, 4624, true},
		{`{"EventID":4624.0}`, 4624, true},
		{`{"EventID":"4624.0"}`, 4624, true},
		{`{"EventID":"04624"}`, 4624, true},
		{`{"EventID":"-1.5e3"}`, -1500, true},
		{`{"EventID":" 4624"}`, 0, false},
		{`{"EventID":"4624 "}`, 0, false},
		{`{"EventID":"0x1210"}`, 0, false},
		{`{"EventID":"4624a"}`, 0, false},
		{`{"EventID":"NaN"}`, 0, false},
		{`{"EventID":"Inf"}`, 0, false},
		{`{"EventID":"1_000"}`, 0, false},
		{`{"EventID":1e400}`, 0, false},
		{`{"EventID":true}`, 0, false},
		{`{"EventID":null}`, 0, false},
		{`{"EventID":[1,4624]}`, 0, false},
		{`{}`, 0, false},
	} {
		if err := ev.Reset([]byte(tc.doc)); err != nil {
			t.Fatal(err)
		}
		got, ok := ev.Field(f).Number()
		if ok != tc.ok || got != tc.want {
			t.Errorf("%s: Number() = %v, %v; want %v, %v", tc.doc, got, ok, tc.want, tc.ok)
		}
	}
}
