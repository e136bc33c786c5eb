package processor

import (
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// ParseSettings reads Settings from a parsed `sigma` config.
func ParseSettings(conf *service.ParsedConfig) (engine.Settings, error) {
	var s engine.Settings
	var err error
	if s.Rules, err = conf.FieldStringList(fieldRules); err != nil {
		return s, err
	}
	if len(s.Rules) == 0 {
		return s, fmt.Errorf("%s: at least one rule path is required", fieldRules)
	}
	if s.StrictRules, err = conf.FieldBool(fieldStrictRules); err != nil {
		return s, err
	}
	if s.IncludeEvent, err = conf.FieldBool(fieldIncludeEvent); err != nil {
		return s, err
	}
	if s.DetectWorkers, err = conf.FieldInt(fieldDetectWorkers); err != nil {
		return s, err
	}
	if s.DetectWorkers < 0 {
		return s, fmt.Errorf("%s: must not be negative", fieldDetectWorkers)
	}
	if s.BatchSize, err = conf.FieldInt(fieldBatchSize); err != nil {
		return s, err
	}
	if s.BatchSize < 0 {
		return s, fmt.Errorf("%s: must not be negative", fieldBatchSize)
	}
	if err = parseRoutingSettings(conf, &s); err != nil {
		return s, err
	}
	if err = parsePrefilterSettings(conf, &s); err != nil {
		return s, err
	}
	if err = parseFormatSettings(conf, &s); err != nil {
		return s, err
	}
	if err = parseCorrelationSettings(conf, &s); err != nil {
		return s, err
	}
	if err = parseDynamicSettings(conf, &s); err != nil {
		return s, err
	}
	if err = parseFleetSettings(conf, &s); err != nil {
		return s, err
	}
	return s, nil
}

// ParseSettingsYAML parses the YAML body of a `sigma` processor (the mapping
// under the `sigma:` key) with the processor's spec.
func ParseSettingsYAML(yamlBody string) (engine.Settings, error) {
	conf, err := Spec().ParseYAML(yamlBody, nil)
	if err != nil {
		return engine.Settings{}, err
	}
	return ParseSettings(conf)
}
