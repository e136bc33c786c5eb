package processor

import (
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// Field names of processing pipelines, dynamic sources and enrichers.
const (
	fieldPipelines          = "pipelines"
	fieldSources            = "sources"
	fieldAllowRemoteInclude = "allow_remote_include"
	fieldEnrichers          = "enrichers"
)

// pipelineFields are the fields of pipelines, sources and enrichers.
func pipelineFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewStringListField(fieldPipelines).
			Description("Processing pipelines applied to every rule at load, in ascending priority: builtin names (`ecs_windows`, `sysmon`) or pipeline YAML files. Builtins and files combine.").
			Example([]string{"ecs_windows", "./pipelines/custom.yml"}).
			Default([]string{}),
		service.NewStringListField(fieldSources).
			Description("Dynamic source files or directories (a top-level `sources:` list). Source values reach rules through pipeline `vars` (`${source.<id>}`) and `include:` items.").
			Default([]string{}),
		service.NewBoolField(fieldAllowRemoteInclude).
			Description("Allow pipeline `include:` items whose source is remote (http, nats).").
			Default(false),
		service.NewStringField(fieldEnrichers).
			Description("Enrichers YAML file run on every result after evaluation; their values are added under `enrichments`.").
			Default(""),
	}
}

func parseDynamicSettings(conf *service.ParsedConfig, s *engine.Settings) error {
	var err error
	d := &s.Dynamic
	if d.Pipelines, err = conf.FieldStringList(fieldPipelines); err != nil {
		return err
	}
	if d.Sources, err = conf.FieldStringList(fieldSources); err != nil {
		return err
	}
	if d.AllowRemoteInclude, err = conf.FieldBool(fieldAllowRemoteInclude); err != nil {
		return err
	}
	d.Enrichers, err = conf.FieldString(fieldEnrichers)
	return err
}
