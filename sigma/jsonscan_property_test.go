package sigma

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The single-pass extractor must agree with encoding/json: the same documents
// are valid, and every field resolves to the value ObjectEvent (the
// reference over an encoding/json decode) gives.

var propKeys = []string{"a", "b", "c", "A", "a.b", "b.c", "x y", "é"}

// randomDoc writes a random JSON value; it repeats keys now and then, mixes
// escapes, Unicode and upper case into strings, and every number form.
func randomDoc(r *rand.Rand, buf *bytes.Buffer, depth int) {
	k := r.IntN(10)
	if depth > 3 && k >= 7 {
		k = r.IntN(7)
	}
	switch k {
	case 0, 1:
		buf.WriteString(randomJSONString(r))
	case 2:
		buf.WriteString([]string{"0", "-0", "42", "-7", "4624.0", "1e6", "0.5E1", "12345678901234567890",
			"3.14159", "-2.5e-3", "1e400", "9007199254740993"}[r.IntN(12)])
	case 3:
		buf.WriteString([]string{"true", "false", "null"}[r.IntN(3)])
	case 4, 5, 6:
		if depth > 3 {
			buf.WriteString(`"leaf"`)
			return
		}
		fallthrough
	case 7, 8:
		buf.WriteByte('{')
		n := r.IntN(5)
		for i := 0; i < n; i++ {
			if i > 0 {
				buf.WriteString(", "[:1+r.IntN(2)])
			}
			key := propKeys[r.IntN(len(propKeys))]
			if r.IntN(8) == 0 && key == "a" {
				key = `\u0061`
			}
			buf.WriteString(`"` + key + `":`)
			randomDoc(r, buf, depth+1)
		}
		buf.WriteByte('}')
	default:
		buf.WriteByte('[')
		n := r.IntN(4)
		for i := 0; i < n; i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			randomDoc(r, buf, depth+1)
		}
		buf.WriteByte(']')
	}
}

func randomJSONString(r *rand.Rand) string {
	parts := []string{"x", "CMD", "Ärzte", `\"`, `\\`, `\n`, `\u00e9`, `\ud83d\ude00`, `\ud800`, "\xff", "Z", " ", "/", `\/`}
	var sb strings.Builder
	sb.WriteByte('"')
	for i := r.IntN(5); i > 0; i-- {
		sb.WriteString(parts[r.IntN(len(parts))])
	}
	sb.WriteByte('"')
	return sb.String()
}

func randomFieldNames(r *rand.Rand) []string {
	var names []string
	for i := r.IntN(6) + 1; i > 0; i-- {
		var parts []string
		for j := r.IntN(3) + 1; j > 0; j-- {
			parts = append(parts, propKeys[r.IntN(len(propKeys))])
		}
		names = append(names, strings.Join(parts, "."))
	}
	return names
}

func decodeReference(doc []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// sameValue compares a fast-path Value with the reference one. Raw may
// differ in form (the reference re-encodes objects), so it is compared as
// decoded JSON.
func sameValue(t *testing.T, got, want Value) bool {
	t.Helper()
	if got.Kind != want.Kind || got.Str != want.Str || got.Fold != want.Fold || len(got.Items) != len(want.Items) {
		return false
	}
	for i := range got.Items {
		if !sameValue(t, got.Items[i], want.Items[i]) {
			return false
		}
	}
	if got.Kind == KindObject {
		a, errA := decodeReference(got.Raw)
		b, errB := decodeReference(want.Raw)
		return errA == nil && errB == nil && reflect.DeepEqual(a, b)
	}
	encoded, err := decodeReference(AppendValueJSON(nil, got))
	ref, _ := decodeReference(AppendValueJSON(nil, want))
	return err == nil && reflect.DeepEqual(encoded, ref)
}

func checkAgainstReference(t *testing.T, doc []byte, names []string) {
	t.Helper()
	tab := NewFieldTable()
	for _, n := range names {
		tab.Intern(n)
	}
	e := NewJSONEvent(tab)
	err := e.Reset(doc)
	if json.Valid(doc) != ValidJSON(doc) {
		t.Fatalf("%q: json.Valid=%v but ValidJSON=%v", doc, json.Valid(doc), ValidJSON(doc))
	}
	if valid := json.Valid(doc); valid != (err == nil) {
		t.Fatalf("%q: json.Valid=%v but Reset error=%v", doc, valid, err)
	}
	if err != nil {
		return
	}
	ref, rerr := decodeReference(doc)
	if rerr != nil {
		t.Fatalf("%q: reference decode: %v", doc, rerr)
	}
	obj := NewObjectEvent(ref)
	for _, f := range tab.All() {
		got, want := e.Field(f), obj.Field(f)
		if !sameValue(t, got, want) {
			t.Fatalf("%s\nfield %q: got %s, want %s", doc, f.Name, valueText(got), valueText(want))
		}
	}
	var gotLeaves, wantLeaves []string
	e.Keywords(func(v *Value) bool { gotLeaves = append(gotLeaves, v.Str+"|"+v.Fold); return false })
	obj.Keywords(func(v *Value) bool { wantLeaves = append(wantLeaves, v.Str+"|"+v.Fold); return false })
	if !sameMultiset(gotLeaves, wantLeaves) && !hasDuplicateKeys(ref, doc) {
		t.Fatalf("%s\nleaves %q, want %q", doc, gotLeaves, wantLeaves)
	}
}

// hasDuplicateKeys is a coarse test: a document with repeated keys has
// string leaves the decoded reference dropped.
func hasDuplicateKeys(_ any, doc []byte) bool {
	return bytes.Count(doc, []byte(`":`)) != countKeys(doc)
}

func countKeys(doc []byte) int {
	v, err := decodeReference(doc)
	if err != nil {
		return -1
	}
	return countMembers(v)
}

func countMembers(v any) int {
	n := 0
	switch t := v.(type) {
	case map[string]any:
		n += len(t)
		for _, c := range t {
			n += countMembers(c)
		}
	case []any:
		for _, c := range t {
			n += countMembers(c)
		}
	}
	return n
}

func sameMultiset(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestJSONEventMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var buf bytes.Buffer
	for i := 0; i < 4000; i++ {
		buf.Reset()
		randomDoc(r, &buf, 0)
		doc := append([]byte(nil), buf.Bytes()...)
		checkAgainstReference(t, doc, randomFieldNames(r))
		// A damaged copy must be accepted exactly when encoding/json accepts it.
		if len(doc) > 1 {
			bad := append([]byte(nil), doc...)
			switch r.IntN(3) {
			case 0:
				bad = bad[:r.IntN(len(bad))]
			case 1:
				const noise = "{}[]\",:\\ 0e.-tx\x01"
				bad[r.IntN(len(bad))] = noise[r.IntN(len(noise))]
			default:
				at := r.IntN(len(bad))
				bad = append(bad[:at], append([]byte{"{}[]\",:1"[r.IntN(8)]}, bad[at:]...)...)
			}
			checkAgainstReference(t, bad, randomFieldNames(r))
		}
	}
}

func FuzzJSONEvent(f *testing.F) {
	for _, s := range []string{`{"a":{"b":[1,{"c":"X"}]},"a.b":2}`, `[{"a":"\u00c9"}]`, `{"a":1e400,"b":-0.0}`,
		`{"a":"x","a":"y"}`, `"plain"`, `{"a":[[],{}],"b":{"c":{"d":null}}}`} {
		f.Add([]byte(s), "a.b,a,b.c.d,c")
	}
	f.Fuzz(func(t *testing.T, doc []byte, fields string) {
		checkAgainstReference(t, doc, strings.Split(fields, ","))
	})
}

func BenchmarkValidJSON(b *testing.B) {
	doc := []byte(`{"Image":"C:\\Windows\\System32\\svchost.exe","CommandLine":"svchost.exe -k netsvcs -p -s Schedule","ProcessId":4242,"Hashes":"SHA1=0123456789ABCDEF0123456789ABCDEF01234567,MD5=0123456789ABCDEF0123456789ABCDEF","User":"NT AUTHORITY\\SYSTEM","Tags":["a","b",{"c":null}]}`)
	b.Run("sigma", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for i := 0; i < b.N; i++ {
			if !ValidJSON(doc) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for i := 0; i < b.N; i++ {
			if !json.Valid(doc) {
				b.Fatal("invalid")
			}
		}
	})
}

func TestCanonicalNumberText(t *testing.T) {
	for lit, want := range map[string]string{"4624": "4624", "4624.0": "4624", "-0": "0", "-0.0": "0",
		"1e6": "1000000", "1.5": "1.5", "1E-2": "0.01", "12345678901234567890": "12345678901234567890",
		"1e400": "1e400", strconv.Itoa(-42): "-42"} {
		if got := canonicalNumber(lit); got != want {
			t.Errorf("canonicalNumber(%s) = %s, want %s", lit, got, want)
		}
	}
}

// skipPlain stops at the first quote, backslash or control byte, whatever
// the bytes around it (UTF-8, other specials later in the same word).
func TestSkipPlainStopsAtTheFirstSpecialByte(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pool := []byte{'a', 'Z', ' ', '"', '\\', 0x00, 0x1f, 0x20, 0x7f, 0x80, 0xa0, 0xff, 0xe2, '!', '#'}
	for trial := 0; trial < 50000; trial++ {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			if rng.IntN(4) == 0 {
				b[i] = pool[rng.IntN(len(pool))]
			} else {
				b[i] = byte('a' + rng.IntN(26))
			}
		}
		start := 0
		if len(b) > 0 {
			start = rng.IntN(len(b))
		}
		want := start
		for want < len(b) && strPlain[b[want]] {
			want++
		}
		if got := skipPlain(b, start); got != want {
			t.Fatalf("skipPlain(%q, %d) = %d, want %d", b, start, got, want)
		}
	}
}
