package logsource

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite the generated tables of docs/logsource-routing.md")

const (
	docPath    = "../docs/logsource-routing.md"
	tableBegin = "<!-- BEGIN GENERATED TABLES (go test ./logsource -run TestDocTables -update) -->"
	tableEnd   = "<!-- END GENERATED TABLES -->"
)

// TestDocTables keeps the tables in docs/logsource-routing.md equal to the
// Go tables they document.
func TestDocTables(t *testing.T) {
	data, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	begin, end := strings.Index(doc, tableBegin), strings.Index(doc, tableEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s: generated-table markers missing", docPath)
	}
	want := doc[:begin+len(tableBegin)] + "\n" + markdownTables() + doc[end:]
	if want == doc {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is stale: run go test ./logsource -run TestDocTables -update", docPath)
}

func markdownTables() string {
	var b strings.Builder
	b.WriteString("\n### Windows channels\n\n")
	b.WriteString("`product` is windows unless the row says otherwise. A service of `(none)` means the events are none\n")
	b.WriteString("of the services SigmaHQ knows; categories not listed for an EventID are none of the known categories.\n\n")
	b.WriteString("| channel | product | service | categories of every event | categories by EventID |\n|---|---|---|---|---|\n")
	for _, row := range WindowsChannels {
		product := "windows"
		if row.Products != nil {
			product = strings.Join(row.Products, ", ")
		}
		service, every := "(none)", strings.Join(row.Categories, ", ")
		if every == "" {
			every = "—"
		}
		if row.Service != "" {
			service = row.Service
		}
		byID := eventsCell(row.Events)
		if byID == "" {
			byID = "—"
		}
		if row.RevealsProductOnly {
			service, every, byID = "not revealed", "not revealed", "—"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", strings.Join(row.Channels, "<br>"), product, service, every, byID)
	}
	b.WriteString("\n### Other event shapes\n\n")
	b.WriteString("Tried in this order when no Windows channel is found; the first that matches wins. `?` is not revealed,\n")
	b.WriteString("`(none)` is none of the known names. Field comparisons ignore case.\n\n")
	b.WriteString("| shape | when | product | service | category |\n|---|---|---|---|---|\n")
	for _, m := range Shapes {
		var conds []string
		for _, c := range m.When {
			conds = append(conds, "`"+strings.ReplaceAll(c.String(), "|", `\|`)+"`")
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", m.Name, strings.Join(conds, " and "),
			cell(m.Logsource.Product), cell(m.Logsource.Service), cell(m.Logsource.Category))
	}
	b.WriteString("\n### ECS fields\n\n")
	b.WriteString("Read last, for dimensions still unknown. `host.os.type`: ")
	var os []string
	for _, k := range slices.Sorted(maps.Keys(ECSOSTypes)) {
		os = append(os, "`"+k+"` → "+ECSOSTypes[k])
	}
	b.WriteString(strings.Join(os, ", ") + ".\n\n")
	b.WriteString("| event.category | categories |\n|---|---|\n")
	for _, k := range slices.Sorted(maps.Keys(ECSCategories)) {
		v := ECSCategories[k]
		c := "?"
		if v != nil {
			c = cell(OneOf(v...))
		}
		fmt.Fprintf(&b, "| %s | %s |\n", k, c)
	}
	b.WriteString("\n")
	return b.String()
}

func eventsCell(events []EventCategories) string {
	var parts []string
	for _, e := range events {
		var ids []string
		for _, id := range e.IDs {
			ids = append(ids, fmt.Sprint(id))
		}
		parts = append(parts, strings.Join(ids, ", ")+": "+strings.Join(e.Categories, ", "))
	}
	return strings.Join(parts, "<br>")
}

func cell(d Dimension) string {
	if !d.Known {
		return "?"
	}
	if len(d.Names) == 0 {
		return "(none)"
	}
	return strings.Join(d.Names, ", ")
}
