package sigma

import (
	"os"
	"path/filepath"
	"testing"
	"unsafe"
)

// Rules that repeat texts (copies of a rule per tenant) keep one copy of
// each: title, description, references, authors, false positives and item
// paths point to the same bytes, while ids and detection values stay
// their own.
func TestLoadSharesRepeatedRuleTexts(t *testing.T) {
	dir := t.TempDir()
	for _, tenant := range []string{"a", "b"} {
		rule := "title: 'Suspicious child of the print spooler service host process'\n" +
			"id: 00000000-0000-0000-0000-00000000000" + tenant + "\n" +
			"description: Detects a child process of spoolsv.exe other than the usual ones, which follows exploitation of the print spooler\n" +
			"author: Someone Long Enough, Someone Else\n" +
			"references:\n  - https://example.com/a/very/long/reference/that/repeats/in/every/copy\n" +
			"falsepositives:\n  - 'Printer drivers that start helper processes from the spooler service'\n" +
			"logsource: {category: process_creation, product: windows}\n" +
			"detection:\n  selection:\n    ParentImage|endswith: '\\spoolsv.exe'\n    Image|endswith: '\\" + tenant + ".exe'\n  condition: selection\n"
		if err := os.WriteFile(filepath.Join(dir, tenant+".yml"), []byte(rule), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := LoadPath(dir)
	if err != nil || len(rs.Rules) != 2 || len(rs.Rejected) > 0 {
		t.Fatalf("LoadPath: %v, %d rules, rejected %v", err, len(rs.Rules), rs.Rejected)
	}
	a, b := rs.Rules[0], rs.Rules[1]
	itemA, itemB := a.Detection.Searches[0].Groups[0].Items, b.Detection.Searches[0].Groups[0].Items
	for _, c := range []struct {
		what string
		x, y string
	}{
		{"title", a.Title, b.Title},
		{"description", a.Description, b.Description},
		{"author", a.Author, b.Author},
		{"reference", a.References[0], b.References[0]},
		{"false positive", a.FalsePositives[0], b.FalsePositives[0]},
		{"item path", itemA[1].Path, itemB[1].Path},
	} {
		if c.x != c.y {
			t.Fatalf("%s: %q and %q differ", c.what, c.x, c.y)
		}
		if unsafe.StringData(c.x) != unsafe.StringData(c.y) {
			t.Errorf("%s %q: each rule keeps its own copy, want one shared", c.what, c.x)
		}
	}
	if a.ID == b.ID || itemA[1].Values[0].Text == itemB[1].Values[0].Text {
		t.Fatalf("ids or values changed: %q %q, %q %q", a.ID, b.ID, itemA[1].Values[0].Text, itemB[1].Values[0].Text)
	}
}
