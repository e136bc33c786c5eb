package sigma

import (
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestCheckDuplicateKeysNamesThePath(t *testing.T) {
	var wide strings.Builder
	for i := 0; i < 2*smallMapping; i++ {
		fmt.Fprintf(&wide, "k%d: 1\n", i)
	}
	cases := []struct{ doc, want string }{
		{"a: 1\nb: 2\n", ""},
		{"a: 1\nb: 2\na: 3\n", `a: duplicate key "a" (line 3)`},
		{"d:\n  s:\n    - {x: 1}\n    - {x: 1, y: 2, x: 3}\n", `d.s[1].x: duplicate key "x" (line 4)`},
		{"- - {a: 1}\n  - {b: 1, b: 2}\n", `[0][1].b: duplicate key "b" (line 2)`},
		{wide.String(), ""},
		{"m:\n" + indent(wide.String()) + "  k3: 2\n", fmt.Sprintf(`m.k3: duplicate key "k3" (line %d)`, 2*smallMapping+2)},
	}
	for _, c := range cases {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(c.doc), &n); err != nil {
			t.Fatal(err)
		}
		got := ""
		if err := checkDuplicateKeys(n.Content[0], ""); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%q: got %q, want %q", c.doc, got, c.want)
		}
	}
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n  ") + "\n"
}
