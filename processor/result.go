package processor

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// Metadata keys every result message carries (besides the input message's
// own metadata), so that a later `switch` or `branch` routes on the rule
// without reading the content.
const (
	MetaRuleID     = "sigma_rule_id"
	MetaRuleTitle  = "sigma_rule_title"
	MetaLevel      = "sigma_level"
	MetaRuleAuthor = "sigma_rule_author"
	MetaTags       = "sigma_tags" // comma-separated
	MetaKind       = "sigma_kind" // KindDetection or KindCorrelation
)

// Values of the sigma_kind metadata.
const (
	KindDetection   = "detection"
	KindCorrelation = "correlation"
)

// metaKeys are the sigma_* keys in the order of ruleMeta's values.
var metaKeys = [...]string{MetaRuleID, MetaRuleTitle, MetaLevel, MetaRuleAuthor, MetaTags, MetaKind}

// ruleMeta is the sigma_* metadata of one rule, boxed once, so that setting
// it on a result allocates nothing per value.
type ruleMeta [len(metaKeys)]any

// metaCache holds the ruleMeta of the rules of one engine.State, keyed by
// rule pointer; a reload starts a new cache, so that replaced rules are not
// kept alive.
type metaCache struct {
	state *engine.State
	rules sync.Map // *sigma.Rule or *correlation.Rule → *ruleMeta
}

// resultMeta caches the metadata of the rules of the active state.
type resultMeta struct {
	cache atomic.Pointer[metaCache]
	// off: results carry no sigma_* metadata (result_metadata: false).
	off bool
}

// forState returns the cache for st, replacing one of an older state; nil
// when results carry no metadata.
func (r *resultMeta) forState(st *engine.State) *metaCache {
	if r.off {
		return nil
	}
	c := r.cache.Load()
	if c == nil || c.state != st {
		c = &metaCache{state: st}
		r.cache.Store(c)
	}
	return c
}

// set sets the sigma_* metadata of result message m from the rule o names.
// A fleet batch (no rule) gets none, nor any result when c is nil.
func (c *metaCache) set(m *service.Message, o *engine.Output) {
	var key any
	switch {
	case c == nil:
		return
	case o.Detection != nil:
		key = o.Detection
	case o.Correlation != nil:
		key = o.Correlation
	default:
		return
	}
	v, ok := c.rules.Load(key)
	if !ok {
		v, _ = c.rules.LoadOrStore(key, newRuleMeta(o))
	}
	meta := v.(*ruleMeta)
	for i, k := range metaKeys {
		m.MetaSetMut(k, meta[i])
	}
}

func newRuleMeta(o *engine.Output) *ruleMeta {
	if r := o.Detection; r != nil {
		return &ruleMeta{r.ID, r.Title, r.Level, r.Author, strings.Join(r.Tags, ","), KindDetection}
	}
	r := o.Correlation
	return &ruleMeta{r.ID, r.Title, r.Level, r.Author, strings.Join(r.Tags, ","), KindCorrelation}
}
