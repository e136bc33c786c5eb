package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/rsigma-connect/rsigma-connect/sigma/internal/blockyaml"
)

// LoadPath loads a rule file or a directory (recursively, `.yml`/`.yaml`
// files in sorted order). A non-nil error means the path itself could not be
// read (errors.Is(err, ErrRulesPath)); problems inside individual files and
// documents are collected in RuleSet.Rejected and do not fail the load.
func LoadPath(path string) (*RuleSet, error) { return LoadPaths([]string{path}) }

// loadFiles parses files on all CPUs and merges the results in file order.
func loadFiles(files []string) *RuleSet {
	results := make([]*RuleSet, len(files))
	texts := &ruleTexts{} // one table for every goroutine (load_share.go)
	workers := runtime.GOMAXPROCS(0)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := newLoadScratch(texts) // per goroutine: no locking
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				var ok bool
				if results[i], ok = sc.loadFileIsolated(files[i]); !ok {
					sc = newLoadScratch(texts) // a panic may have left it half-updated
				}
			}
		}()
	}
	wg.Wait()
	rs := &RuleSet{}
	for _, one := range results {
		rs.Merge(one)
	}
	return rs
}

// loadScratch is the memory one loading goroutine reuses from file to
// file: the file buffer, the YAML reader's node slabs and the string table.
type loadScratch struct {
	buf  bytes.Buffer
	yaml *blockyaml.Reader
	// texts shares repeating rule texts across the load's files; nil
	// shares nothing.
	texts *ruleTexts
}

func (sc *loadScratch) loadFile(file string) *RuleSet {
	f, err := os.Open(file)
	if err == nil {
		sc.buf.Reset()
		_, err = sc.buf.ReadFrom(f)
		f.Close()
	}
	if err != nil {
		return &RuleSet{Rejected: []*LoadError{{File: file, Err: err}}}
	}
	return sc.loadBytes(file, sc.buf.Bytes())
}

func newLoadScratch(texts *ruleTexts) *loadScratch {
	return &loadScratch{yaml: blockyaml.NewReader(), texts: texts}
}

// loadFileIsolated is loadFile with a panic turned into the file's load
// error; ok is false then, and the scratch must not be reused.
func (sc *loadScratch) loadFileIsolated(file string) (*RuleSet, bool) {
	return isolatedLoad(file, func() *RuleSet { return sc.loadFile(file) })
}

// isolatedLoad runs load, turning a panic into the load error of file.
func isolatedLoad(file string, load func() *RuleSet) (rs *RuleSet, ok bool) {
	if err := Isolate(func() error { rs = load(); return nil }); err != nil {
		return &RuleSet{Rejected: []*LoadError{{File: file, Err: err}}}, false
	}
	return rs, true
}

func isRuleFile(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yml" || ext == ".yaml"
}

// LoadBytes parses the content of one YAML file (one or more documents); file
// is used in error messages. The error is always nil today; per-document
// problems are in RuleSet.Rejected.
func LoadBytes(file string, data []byte) (*RuleSet, error) {
	rs, _ := isolatedLoad(file, func() *RuleSet { return (&loadScratch{yaml: &blockyaml.Reader{}}).loadBytes(file, data) })
	return rs, nil
}

// loadBytes is LoadBytes with the scratch memory of the calling goroutine;
// the RuleSet keeps nothing of it, nor of data.
func (sc *loadScratch) loadBytes(file string, data []byte) *RuleSet {
	rs := &RuleSet{}
	if root, ok := sc.yaml.Parse(data); ok { // internal/blockyaml
		loadDocument(rs, &collection{}, file, 1, root)
		for _, cd := range rs.Correlations {
			cd.Node = cloneNode(cd.Node) // the only node kept after loading
		}
		sc.yaml.Recycle()
		sc.shareTexts(rs)
		return rs
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	c := &collection{}
	for index := 1; ; index++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			rs.Rejected = append(rs.Rejected, &LoadError{File: file, Rule: fmt.Sprintf("document %d", index), Err: fmt.Errorf("YAML syntax: %w", err)})
			break
		}
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue // empty document, e.g. a trailing '---'
		}
		loadDocument(rs, c, file, index, root)
	}
	sc.shareTexts(rs)
	return rs
}

// shareTexts shares the repeating texts of the rules of rs with the other
// rules of the load (load_share.go).
func (sc *loadScratch) shareTexts(rs *RuleSet) {
	if sc.texts == nil {
		return
	}
	for _, r := range rs.Rules {
		sc.texts.share(r)
	}
}

// itemPlans returns the table the loader records item plans in.
func (rs *RuleSet) itemPlans() itemPlans {
	if rs.plans == nil {
		rs.plans = itemPlans{}
	}
	return rs.plans
}

// loadDocument routes one document (routeDocument); a panic costs only
// that document, as its load error.
func loadDocument(rs *RuleSet, c *collection, file string, index int, root *yaml.Node) {
	if err := Isolate(func() error { routeDocument(rs, c, file, index, root); return nil }); err != nil {
		name := fmt.Sprintf("document %d", index)
		if n := docName(root); n != "" {
			name = n
		}
		rs.Rejected = append(rs.Rejected, &LoadError{File: file, Rule: name, Err: err})
	}
}

// routeDocument routes one document: collection action, correlation, filter
// or detection rule.
func routeDocument(rs *RuleSet, c *collection, file string, index int, root *yaml.Node) {
	reject := func(rule string, err error) {
		if rule == "" {
			rule = fmt.Sprintf("document %d", index)
		}
		path, cause := splitPathError(err)
		rs.Rejected = append(rs.Rejected, &LoadError{File: file, Rule: rule, Path: path, Err: cause})
	}
	if root.Kind != yaml.MappingNode {
		reject("", fmt.Errorf("document is not a mapping (line %d)", root.Line))
		return
	}
	if err := checkExpansion(root); err != nil {
		reject(docName(root), err)
		return
	}
	if err := checkDuplicateKeys(root, ""); err != nil {
		reject(docName(root), err)
		return
	}
	merged, emit, err := c.apply(root)
	if err != nil {
		reject(docName(root), err)
		return
	}
	if !emit {
		return
	}
	switch {
	case mapGet(merged, "correlation") != nil:
		rs.Correlations = append(rs.Correlations, &CorrelationDoc{
			File: file, DocIndex: index, Node: merged,
			Title: scalarText(mapGet(merged, "title")), ID: scalarText(mapGet(merged, "id")), Name: scalarText(mapGet(merged, "name")),
		})
	case mapGet(merged, "filter") != nil:
		f, err := parseFilter(merged, rs.itemPlans())
		if err != nil {
			reject(docName(merged), err)
			return
		}
		f.File, f.DocIndex = file, index
		rs.Filters = append(rs.Filters, f)
	default:
		r, err := parseRule(merged, rs.itemPlans())
		if err != nil {
			reject(docName(merged), err)
			return
		}
		r.File, r.DocIndex = file, index
		rs.Rules = append(rs.Rules, r)
	}
}

// docName names a document in errors: its title, else its id.
func docName(n *yaml.Node) string {
	if t := scalarText(mapGet(n, "title")); t != "" {
		return t
	}
	return scalarText(mapGet(n, "id"))
}
