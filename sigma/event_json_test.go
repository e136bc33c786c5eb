package sigma

import (
	"strings"
	"testing"
)

func jsonEventFor(t *testing.T, names []string, doc string) (*JSONEvent, *FieldTable) {
	t.Helper()
	tab := NewFieldTable()
	for _, n := range names {
		tab.Intern(n)
	}
	e := NewJSONEvent(tab)
	if err := e.Reset([]byte(doc)); err != nil {
		t.Fatalf("Reset(%s): %v", doc, err)
	}
	return e, tab
}

// valueText renders a Value compactly for comparisons in tests.
func valueText(v Value) string {
	switch v.Kind {
	case KindMissing:
		return "<missing>"
	case KindNull:
		return "null"
	case KindArray:
		parts := make([]string, len(v.Items))
		for i, it := range v.Items {
			parts[i] = valueText(it)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case KindObject:
		return "obj" + string(v.Raw)
	case KindString:
		return "s:" + v.Str
	case KindNumber:
		return "n:" + v.Str
	}
	return "b:" + v.Str
}

func TestJSONEventFieldLookup(t *testing.T) {
	tests := []struct {
		name, doc, field, want string
	}{
		{"flat_string", `{"Image":"C:\\x.exe"}`, "Image", `s:C:\x.exe`},
		{"absent_field_is_missing", `{"a":1}`, "b", "<missing>"},
		{"null_is_not_missing", `{"a":null}`, "a", "null"},
		{"nested_path", `{"process":{"name":"cmd"}}`, "process.name", "s:cmd"},
		{"flat_dotted_key_wins_over_nested", `{"process.name":"flat","process":{"name":"nested"}}`, "process.name", "s:flat"},
		{"flat_dotted_key_after_nested_still_wins", `{"process":{"name":"nested"},"process.name":"flat"}`, "process.name", "s:flat"},
		{"dotted_key_only_literal_at_root", `{"x":{"a.b":1}}`, "x.a.b", "<missing>"},
		{"array_of_objects_fans_out", `{"c":[{"ip":"1.1.1.1"},{"ip":"2.2.2.2"},{"x":1}]}`, "c.ip", "[s:1.1.1.1 s:2.2.2.2]"},
		{"single_fan_out_hit_is_scalar", `{"c":[{"ip":"1.1.1.1"},{"x":1}]}`, "c.ip", "s:1.1.1.1"},
		{"terminal_array_kept_whole", `{"tags":["A","b"]}`, "tags", "[s:A s:b]"},
		{"nested_arrays_fan_out", `{"a":[[{"b":1}],[{"b":2}]]}`, "a.b", "[n:1 n:2]"},
		{"integer_keeps_exact_text", `{"id":12345678901234567890}`, "id", "n:12345678901234567890"},
		{"float_integral_canonical", `{"n":4624.0}`, "n", "n:4624"},
		{"exponent_canonical", `{"n":1e6}`, "n", "n:1000000"},
		{"fraction_canonical", `{"n":0.5e1}`, "n", "n:5"},
		{"negative_zero_canonical", `{"n":-0}`, "n", "n:0"},
		{"bool_text", `{"b":true}`, "b", "b:true"},
		{"object_value_keeps_raw", `{"o":{"k": 1}}`, "o", `obj{"k": 1}`},
		{"escapes_decoded", `{"s":"a\"b\\c\u0041\ud83d\ude00"}`, "s", "s:a\"b\\cA😀"},
		{"escaped_key_matches", `{"\u0049mage":"x"}`, "Image", "s:x"},
		{"lone_surrogate_replaced", `{"s":"\ud800x"}`, "s", "s:\ufffdx"},
		{"array_root_fans_out", `[{"a":1},{"a":2}]`, "a", "[n:1 n:2]"},
		{"scalar_root_has_no_fields", `"text"`, "a", "<missing>"},
		{"last_duplicate_key_wins", `{"a":1,"a":2}`, "a", "n:2"},
		{"duplicate_parent_key_last_wins", `{"p":{"a":1},"p":{"b":2}}`, "p.a", "<missing>"},
		{"empty_array_value", `{"a":[]}`, "a", "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, tab := jsonEventFor(t, []string{tt.field, "unrelated.path"}, tt.doc)
			f, _ := tab.Lookup(tt.field)
			if got := valueText(e.Field(f)); got != tt.want {
				t.Errorf("table field %s = %s, want %s", tt.field, got, tt.want)
			}
			if got := valueText(e.Field(NewField(tt.field))); got != tt.want {
				t.Errorf("ad-hoc field %s = %s, want %s", tt.field, got, tt.want)
			}
		})
	}
}

func TestJSONEventFoldComputedOnce(t *testing.T) {
	e, tab := jsonEventFor(t, []string{"a", "u", "n"}, `{"a":"MiXeD","u":"ÄRZTE","n":1E2}`)
	for name, want := range map[string]string{"a": "mixed", "u": "ärzte", "n": "100"} {
		f, _ := tab.Lookup(name)
		if got := e.Field(f).Fold; got != want {
			t.Errorf("Fold(%s) = %q, want %q", name, got, want)
		}
	}
}

func TestJSONEventRejectsInvalidDocuments(t *testing.T) {
	bad := []string{``, `  `, `{`, `{"a":1}{}`, `{"a":1} x`, `{"a":01}`, `{"a":"x\q"}`, "{\"a\":\"x\ny\"}",
		`{"a":[1,]}`, `{a:1}`, `{"a":1,}`, `[1 2]`, `nul`, `{"a":-}`, `{"a":1.}`, `{"a":"\u12"}`, `{"a" 1}`}
	tab := NewFieldTable()
	tab.Intern("a")
	e := NewJSONEvent(tab)
	for _, doc := range bad {
		if err := e.Reset([]byte(doc)); err == nil {
			t.Errorf("Reset(%q) accepted invalid JSON", doc)
		}
		if v := e.Field(tab.All()[0]); !v.Missing() {
			t.Errorf("after rejected %q field a = %s, want missing", doc, valueText(v))
		}
	}
	if err := e.Reset([]byte(" {\"a\":1}\n")); err != nil {
		t.Errorf("white space around the value rejected: %v", err)
	}
}

func TestJSONEventReuseDoesNotLeakPreviousEvent(t *testing.T) {
	tab := NewFieldTable()
	fa, fb := tab.Intern("a"), tab.Intern("b.c")
	e := NewJSONEvent(tab)
	if err := e.Reset([]byte(`{"a":"ONE","b":{"c":[1,2]}}`)); err != nil {
		t.Fatal(err)
	}
	_ = e.Field(fa)
	_ = e.Field(fb)
	if err := e.Reset([]byte(`{"x":"TWO"}`)); err != nil {
		t.Fatal(err)
	}
	if !e.Field(fa).Missing() || !e.Field(fb).Missing() {
		t.Errorf("fields of the previous event leaked: a=%s b.c=%s", valueText(e.Field(fa)), valueText(e.Field(fb)))
	}
	if string(e.Raw()) != `{"x":"TWO"}` {
		t.Errorf("Raw = %s", e.Raw())
	}
}

func TestJSONEventPicksUpFieldsInternedLater(t *testing.T) {
	tab := NewFieldTable()
	tab.Intern("a")
	e := NewJSONEvent(tab)
	late := tab.Intern("late")
	if err := e.Reset([]byte(`{"a":1,"late":"yes"}`)); err != nil {
		t.Fatal(err)
	}
	if got := valueText(e.Field(late)); got != "s:yes" {
		t.Errorf("late field = %s", got)
	}
}

func TestJSONEventKeywordsVisitsStringLeaves(t *testing.T) {
	e, _ := jsonEventFor(t, nil, `{"k":"One","n":5,"o":{"deep":["Two",{"x":"thr\u0065e"}],"b":true},"key":null}`)
	var got []string
	e.Keywords(func(v *Value) bool {
		got = append(got, v.Fold)
		return false
	})
	if strings.Join(got, ",") != "one,two,three" {
		t.Errorf("leaves = %v, want [one two three]", got)
	}
	stopped := e.Keywords(func(v *Value) bool { return v.Str == "Two" })
	if !stopped {
		t.Error("Keywords did not report fn returning true")
	}
	// Leaves are built lazily: after a call that stopped early, the next
	// event's first call and a full call both see every leaf.
	e2, _ := jsonEventFor(t, nil, `{"a":"x","b":"Y"}`)
	e2.Keywords(func(v *Value) bool { return true })
	got = got[:0]
	e2.Keywords(func(v *Value) bool {
		got = append(got, v.Fold)
		return false
	})
	if strings.Join(got, ",") != "x,y" {
		t.Errorf("leaves after an early stop = %v, want [x y]", got)
	}
}
