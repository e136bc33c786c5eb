package processor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// processBatch runs one batch of lines, each message carrying the input
// metadata source=test, and returns what ProcessBatch returned.
func processBatch(t *testing.T, p *Processor, lines ...string) []service.MessageBatch {
	t.Helper()
	var batch service.MessageBatch
	for _, l := range lines {
		m := service.NewMessage([]byte(l))
		m.MetaSetMut("source", "test")
		batch = append(batch, m)
	}
	res, err := p.ProcessBatch(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// metaOf renders the sigma_* and source metadata of m in a fixed order.
func metaOf(m *service.Message) string {
	var b strings.Builder
	for _, k := range []string{MetaKind, MetaRuleID, MetaRuleTitle, MetaLevel, MetaRuleAuthor, MetaTags, "source"} {
		v, _ := m.MetaGet(k)
		fmt.Fprintf(&b, "%s=%s ", k, v)
	}
	return strings.TrimSpace(b.String())
}

// TestProcessBatchWithoutResultsReturnsNoBatch: an event no rule matches is
// filtered out by returning no batch at all; an empty batch makes `test`
// expect `[[]]` and `branch` mark the event as errored (issue 17).
func TestProcessBatchWithoutResultsReturnsNoBatch(t *testing.T) {
	p := newTestProcessor(t, "rules: ["+writeRule(t)+"]\n")
	if res := processBatch(t, p, `{"CommandLine":"notepad.exe"}`, "   "); len(res) != 0 {
		t.Fatalf("ProcessBatch returned %d batch(es) %v for events without results, want none", len(res), res)
	}
}

// TestResultMessagesCarryRuleMetadata: each result message names its rule
// in sigma_* metadata and keeps the input message's metadata.
func TestResultMessagesCarryRuleMetadata(t *testing.T) {
	p := newTestProcessor(t, "rules: ["+writeRule(t)+"]\n")
	res := processBatch(t, p, `{"CommandLine":"whoami"}`)
	if len(res) != 1 || len(res[0]) != 1 {
		t.Fatalf("got %v, want one batch of one result", res)
	}
	want := "sigma_kind=detection sigma_rule_id=r-whoami sigma_rule_title=Whoami Execution sigma_level=medium " +
		"sigma_rule_author= sigma_tags=attack.discovery source=test"
	if got := metaOf(res[0][0]); got != want {
		t.Errorf("metadata\ngot  %s\nwant %s", got, want)
	}
}

// TestCorrelationResultMetadata: a correlation result is sigma_kind
// correlation and carries the correlation rule's id, level, author and tags.
func TestCorrelationResultMetadata(t *testing.T) {
	dir := t.TempDir()
	rules := strings.Replace(bruteRules, "tags: [attack.t1110]", "author: Jane Doe\ntags: [attack.t1110, attack.credential_access]", 1)
	if err := os.WriteFile(filepath.Join(dir, "brute.yml"), []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newTestProcessor(t, "rules: ["+dir+"]\n")
	var lines []string
	for i := 0; i < 5; i++ {
		lines = append(lines, `{"EventID":4625,"TargetUserName":"bob"}`)
	}
	res := processBatch(t, p, lines...)
	var got []string
	for _, b := range res {
		for _, m := range b {
			got = append(got, metaOf(m))
		}
	}
	want := "sigma_kind=correlation sigma_rule_id=brute-force sigma_rule_title=Brute Force sigma_level=high " +
		"sigma_rule_author=Jane Doe sigma_tags=attack.t1110,attack.credential_access source=test"
	if len(got) != 6 || got[5] != want {
		t.Fatalf("metadata of 5 detections and 1 correlation:\n%s\nwant last\n%s", strings.Join(got, "\n"), want)
	}
	if !strings.HasPrefix(got[0], "sigma_kind=detection sigma_rule_id=failed-logon ") {
		t.Errorf("detection metadata = %s", got[0])
	}
}

// TestAnnotateKeepsEventsAndAddsResults: annotate mode keeps every event,
// adds the results of a matching one under the key, passes the others on
// unchanged and wraps non-object content.
func TestAnnotateKeepsEventsAndAddsResults(t *testing.T) {
	p := newTestProcessor(t, "rules: ["+writeRule(t)+"]\n")
	p.annotate = "sigma"
	res := processBatch(t, p, `{"CommandLine":"whoami","n":1}`, `{"CommandLine":"dir"}`, `plain whoami line`)
	var got []string
	for _, b := range res {
		for _, m := range b {
			c, _ := m.AsBytes()
			got = append(got, string(c))
		}
	}
	result := `{"level":"medium","matched_fields":[{"field":"CommandLine","value":"whoami"}],"matched_selections":["selection"],` +
		`"rule_id":"r-whoami","rule_title":"Whoami Execution","tags":["attack.discovery"]}`
	want := []string{
		`{"CommandLine":"whoami","n":1,"sigma":[` + result + `]}`,
		`{"CommandLine":"dir"}`,
		`plain whoami line`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("annotated\ngot  %s\nwant %s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAnnotateWrapsNonObjectContent: a line that is not a JSON object
// (here a plain line a keyword rule matches) becomes an object holding the
// line under "message" and the results under the key.
func TestAnnotateWrapsNonObjectContent(t *testing.T) {
	dir := t.TempDir()
	rule := "title: Whoami Keyword\nid: k-whoami\nlevel: low\nlogsource: {product: linux}\n" +
		"detection:\n    keywords: [whoami]\n    condition: keywords\n"
	if err := os.WriteFile(filepath.Join(dir, "k.yml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newTestProcessor(t, "rules: ["+dir+"]\n")
	p.annotate = "detections"
	res := processBatch(t, p, `plain whoami line`)
	if len(res) != 1 || len(res[0]) != 1 {
		t.Fatalf("got %v, want one message", res)
	}
	c, _ := res[0][0].AsBytes()
	want := `{"detections":[{"level":"low","matched_fields":[],"matched_selections":["keywords"],"rule_id":"k-whoami",` +
		`"rule_title":"Whoami Keyword","tags":[]}],"message":"plain whoami line"}`
	if string(c) != want {
		t.Fatalf("got  %s\nwant %s", c, want)
	}
}

// TestResultMetadataOff: with result_metadata: false a result message
// carries only the input message's metadata, and the same content as with
// the metadata on.
func TestResultMetadataOff(t *testing.T) {
	rule := writeRule(t)
	build := func(extra string) *Processor {
		conf, err := Spec().ParseYAML("rules: ["+rule+"]\n"+extra, service.NewEnvironment())
		if err != nil {
			t.Fatal(err)
		}
		p, err := fromConfig(conf, service.MockResources(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = p.Close(context.Background()) })
		return p
	}
	contentAndMeta := func(p *Processor) (string, string) {
		res := processBatch(t, p, `{"CommandLine":"whoami"}`)
		if len(res) != 1 || len(res[0]) != 1 {
			t.Fatalf("got %v, want one batch of one result", res)
		}
		b, err := res[0][0].AsBytes()
		if err != nil {
			t.Fatal(err)
		}
		return string(b), metaOf(res[0][0])
	}
	onContent, onMeta := contentAndMeta(build(""))
	offContent, offMeta := contentAndMeta(build("result_metadata: false\n"))
	if want := "sigma_kind=detection sigma_rule_id=r-whoami sigma_rule_title=Whoami Execution sigma_level=medium " +
		"sigma_rule_author= sigma_tags=attack.discovery source=test"; onMeta != want {
		t.Errorf("metadata by default\ngot  %s\nwant %s", onMeta, want)
	}
	if want := "sigma_kind= sigma_rule_id= sigma_rule_title= sigma_level= sigma_rule_author= sigma_tags= source=test"; offMeta != want {
		t.Errorf("metadata with result_metadata: false\ngot  %s\nwant %s", offMeta, want)
	}
	if offContent != onContent {
		t.Errorf("content with result_metadata: false\ngot  %s\nwant %s", offContent, onContent)
	}
}
