package processor

import (
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// Field names of the optional evaluation pre-filters (daemon.md §3.12).
const (
	fieldBloomPrefilter = "bloom_prefilter"
	fieldBloomMaxBytes  = "bloom_max_bytes"
	fieldCrossRuleAC    = "cross_rule_ac"
)

// prefilterFields are the switches of the optional pre-filters. None changes
// which results are produced; they only trade memory for speed on some
// event mixes (see bench/README.md).
func prefilterFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewBoolField(fieldBloomPrefilter).
			Description("Put a bloom filter of needle q-grams in front of the substring automata of the candidate index.").
			Default(false).Advanced(),
		service.NewIntField(fieldBloomMaxBytes).
			Description("Memory budget of the bloom pre-filter in bytes; ignored unless `bloom_prefilter` is set.").
			Default(1048576).Advanced(),
		service.NewBoolField(fieldCrossRuleAC).
			Description("Answer plain case-insensitive `contains` items of all rules from one Aho-Corasick pass per field.").
			Default(false).Advanced(),
	}
}

// parsePrefilterSettings reads the pre-filter switches into s.Compile.
func parsePrefilterSettings(conf *service.ParsedConfig, s *engine.Settings) error {
	var err error
	if s.Compile.BloomPrefilter, err = conf.FieldBool(fieldBloomPrefilter); err != nil {
		return err
	}
	if s.Compile.BloomMaxBytes, err = conf.FieldInt(fieldBloomMaxBytes); err != nil {
		return err
	}
	if s.Compile.BloomMaxBytes < 1 {
		return fmt.Errorf("%s: must be at least 1", fieldBloomMaxBytes)
	}
	s.Compile.CrossRuleAC, err = conf.FieldBool(fieldCrossRuleAC)
	return err
}
