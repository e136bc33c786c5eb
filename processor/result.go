package processor

import (
	"strings"

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

// setResultMeta sets the sigma_* metadata of result message m from the rule
// o names. A fleet batch (no rule) gets none.
func setResultMeta(m *service.Message, o *engine.Output) {
	var kind, id, title, level, author string
	var tags []string
	switch {
	case o.Detection != nil:
		r := o.Detection
		kind, id, title, level, author, tags = KindDetection, r.ID, r.Title, r.Level, r.Author, r.Tags
	case o.Correlation != nil:
		r := o.Correlation
		kind, id, title, level, author, tags = KindCorrelation, r.ID, r.Title, r.Level, r.Author, r.Tags
	default:
		return
	}
	m.MetaSetMut(MetaRuleID, id)
	m.MetaSetMut(MetaRuleTitle, title)
	m.MetaSetMut(MetaLevel, level)
	m.MetaSetMut(MetaRuleAuthor, author)
	m.MetaSetMut(MetaTags, strings.Join(tags, ","))
	m.MetaSetMut(MetaKind, kind)
}
