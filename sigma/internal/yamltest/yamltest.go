// Package yamltest compares YAML node trees in tests: the block-YAML
// reader's and the rule loader's against yaml.v3.
package yamltest

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// V3Root reads data with yaml.v3 as the rule loader does without
// blockyaml; ok is false unless data is exactly one document.
func V3Root(data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, false
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, false
	}
	return doc.Content[0], true
}

// Diff returns where two node trees differ (kind, tag, value, style,
// position, anchor, children), or "".
func Diff(a, b *yaml.Node, path string) string {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style ||
		a.Line != b.Line || a.Column != b.Column || a.Anchor != b.Anchor || len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: {%v %s %q %v %d:%d %d} vs {%v %s %q %v %d:%d %d}", path,
			a.Kind, a.Tag, a.Value, a.Style, a.Line, a.Column, len(a.Content),
			b.Kind, b.Tag, b.Value, b.Style, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if d := Diff(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}
