package sigma

import "testing"

func TestFieldsEventExactKeysOnly(t *testing.T) {
	e := NewFieldsEvent([]string{"hostname", "sd.id", "appname", "appname"}, []string{"Web01", "x", "first", "Sshd"})
	tests := []struct{ field, want string }{
		{"hostname", "s:Web01"},
		{"sd.id", "s:x"},
		{"sd", "<missing>"},
		{"appname", "s:Sshd"}, // last duplicate wins
		{"HOSTNAME", "<missing>"},
	}
	for _, tt := range tests {
		if got := valueText(e.Field(NewField(tt.field))); got != tt.want {
			t.Errorf("Field(%s) = %s, want %s", tt.field, got, tt.want)
		}
	}
	if got := e.Field(NewField("hostname")).Fold; got != "web01" {
		t.Errorf("Fold = %q", got)
	}
	var leaves []string
	e.Keywords(func(v *Value) bool { leaves = append(leaves, v.Fold); return false })
	if len(leaves) != 4 || leaves[3] != "sshd" {
		t.Errorf("Keywords visited %q", leaves)
	}
}

func TestPlainEventIsKeywordOnly(t *testing.T) {
	e := NewPlainEvent("Failed password for ROOT")
	if !e.Field(NewField("message")).Missing() {
		t.Error("plain event has a field")
	}
	found := e.Keywords(func(v *Value) bool { return v.Fold == "failed password for root" && v.Kind == KindString })
	if !found {
		t.Error("line not visited as a folded string leaf")
	}
	e.Reset("next")
	e.Keywords(func(v *Value) bool {
		if v.Str != "next" || v.Fold != "next" {
			t.Errorf("after Reset leaf = %q/%q", v.Str, v.Fold)
		}
		return false
	})
}

func TestObjectEventValues(t *testing.T) {
	ev := NewObjectEvent(map[string]any{"n": 4624.0, "i": 7, "m": map[string]any{"k": "V"}, "a.b": "flat", "a": map[string]any{"b": "nested"}})
	for field, want := range map[string]string{"n": "n:4624", "i": "n:7", "m.k": "s:V", "a.b": "s:flat", "m": `obj{"k":"V"}`} {
		if got := valueText(ev.Field(NewField(field))); got != want {
			t.Errorf("Field(%s) = %s, want %s", field, got, want)
		}
	}
}

func TestAppendValueJSON(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		want string
	}{
		{"raw_kept_verbatim", Value{Kind: KindNumber, Str: "4624", Raw: []byte("4624.0")}, "4624.0"},
		// As serde_json writes them: U+2028 verbatim, invalid UTF-8 as a raw U+FFFD.
		{"string_escaped_without_html_escaping", Value{Kind: KindString, Str: "a\"<b>\\\n\x01\u2028"}, "\"a\\\"<b>\\\\\\n\\u0001\u2028\""},
		{"invalid_utf8_replaced", Value{Kind: KindString, Str: "x\xffy"}, "\"x\uFFFDy\""},
		{"array_from_items", Value{Kind: KindArray, Items: []Value{{Kind: KindString, Str: "a"}, {Kind: KindNumber, Str: "1"}, {Kind: KindNull}}}, `["a",1,null]`},
		{"bool", Value{Kind: KindBool, Str: "true"}, "true"},
		{"missing_is_null", Value{}, "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendValueJSON([]byte("x"), tt.v)); got != "x"+tt.want {
				t.Errorf("got %s, want x%s", got, tt.want)
			}
		})
	}
}
