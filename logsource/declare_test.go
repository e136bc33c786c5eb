package logsource

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseDeclarations(t *testing.T) {
	ms, err := ParseDeclarations("acme.yml", []byte(`
name: acme schemas
logsource_recognition:
  - name: acme process events
    when:
      vendor: acme
      kind: [proc_start, 7]
      tenant|exists: true
      path|startswith: /var/log/acme
      host|endswith: .acme.example
      msg|contains: exec
    logsource:
      product: windows
      service: [acme_edr]
      category: []
  - when: {vendor: other}
    logsource: {product: other}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("%d mappings", len(ms))
	}
	var conds []string
	for _, c := range ms[0].When {
		conds = append(conds, c.String())
	}
	if got, want := strings.Join(conds, "; "), "vendor: acme; kind: [proc_start, 7]; tenant|exists; path|startswith: /var/log/acme; host|endswith: .acme.example; msg|contains: exec"; got != want {
		t.Errorf("conditions\n got %s\nwant %s", got, want)
	}
	if got, want := ms[0].Logsource.String(), "product={windows} service={acme_edr} category={}"; got != want {
		t.Errorf("logsource %s, want %s", got, want)
	}
	if ms[0].Name != "acme process events" || ms[1].Name != "logsource_recognition[1]" {
		t.Errorf("names %q, %q", ms[0].Name, ms[1].Name)
	}
	if got := ms[1].Logsource.String(); got != "product={other} service=? category=?" {
		t.Errorf("second logsource %s", got)
	}
}

// Every error names file, line and YAML path.
func TestParseDeclarationsErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`logsource_recognition: []`, `acme.yml:1: logsource_recognition: expected a non-empty list of mappings`},
		{`pipelines: []`, `acme.yml:1: pipelines: unknown key (expected one of name, logsource_recognition)`},
		{`name: x`, `acme.yml:1: logsource_recognition: missing`},
		{"logsource_recognition:\n  - when: {a: b}\n", `acme.yml:2: logsource_recognition[0]: missing logsource`},
		{"logsource_recognition:\n  - logsource: {product: x}\n", `acme.yml:2: logsource_recognition[0]: missing when`},
		{"logsource_recognition:\n  - when: {}\n    logsource: {product: x}\n", `acme.yml:2: logsource_recognition[0].when: expected a non-empty mapping of field conditions`},
		{"logsource_recognition:\n  - when:\n      vendor|foo: x\n    logsource: {product: x}\n",
			`acme.yml:3: logsource_recognition[0].when.vendor|foo: unknown operator "foo" (use exists, startswith, endswith or contains)`},
		{"logsource_recognition:\n  - when:\n      vendor|exists: false\n    logsource: {product: x}\n",
			`acme.yml:3: logsource_recognition[0].when.vendor|exists: expected true (a field that must be present)`},
		{"logsource_recognition:\n  - when:\n      vendor: []\n    logsource: {product: x}\n",
			`acme.yml:3: logsource_recognition[0].when.vendor: expected at least one value`},
		{"logsource_recognition:\n  - when:\n      vendor: [a, {b: c}]\n    logsource: {product: x}\n",
			`acme.yml:3: logsource_recognition[0].when.vendor[1]: expected a non-empty value`},
		{"logsource_recognition:\n  - when:\n      '|contains': x\n    logsource: {product: x}\n",
			`acme.yml:3: logsource_recognition[0].when.|contains: empty field name`},
		{"logsource_recognition:\n  - when: {a: b}\n    logsource: {}\n",
			`acme.yml:3: logsource_recognition[0].logsource: set at least one of product, service, category`},
		{"logsource_recognition:\n  - when: {a: b}\n    logsource: {product: ~}\n",
			`acme.yml:3: logsource_recognition[0].logsource.product: expected a non-empty value`},
		{"logsource_recognition:\n  - when: {a: b}\n    logsource: {definition: x}\n",
			`acme.yml:3: logsource_recognition[0].logsource.definition: unknown key (expected one of product, service, category)`},
		{"logsource_recognition:\n  - when: {a: b}\n    logsource: {product: x}\n    then: y\n",
			`acme.yml:4: logsource_recognition[0].then: unknown key (expected one of name, when, logsource)`},
		{"logsource_recognition:\n  - when: {a: b, a: c}\n    logsource: {product: x}\n",
			`acme.yml:2: logsource_recognition[0].when.a: duplicate condition`},
		{"logsource_recognition: [", `acme.yml: yaml: line 1: did not find expected node content`},
	} {
		_, err := ParseDeclarations("acme.yml", []byte(tc.doc))
		if err == nil || !errors.Is(err, ErrDeclaration) {
			t.Errorf("%q: error %v, want ErrDeclaration", tc.doc, err)
			continue
		}
		if got := strings.TrimPrefix(err.Error(), ErrDeclaration.Error()+": "); got != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.doc, got, tc.want)
		}
	}
}

func TestLoadDeclarations(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "acme.yml")
	doc := "logsource_recognition:\n  - when: {vendor: acme}\n    logsource: {product: acme}\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if !IsDeclarationFile([]byte(doc)) || IsDeclarationFile([]byte("name: p\ntransformations: []\n")) || IsDeclarationFile([]byte("[")) {
		t.Error("IsDeclarationFile tells recognition files from pipelines wrongly")
	}
	ms, err := LoadDeclarations(path)
	if err != nil || len(ms) != 1 {
		t.Fatalf("%v, %v", ms, err)
	}
	if _, err := LoadDeclarations(filepath.Join(dir, "missing.yml")); !errors.Is(err, ErrDeclaration) || !strings.Contains(err.Error(), "missing.yml") {
		t.Errorf("missing file: %v", err)
	}
}
