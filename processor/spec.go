package processor

import "github.com/redpanda-data/benthos/v4/public/service"

// Field names of the `sigma` processor config.
const (
	fieldRules         = "rules"
	fieldStrictRules   = "strict_rules"
	fieldIncludeEvent  = "include_event"
	fieldDetectWorkers = "detect_workers"
	fieldBatchSize     = "batch_size"
	fieldInputFormat   = "input_format"
	fieldAnnotate      = "annotate"
	fieldResultMeta    = "result_metadata"
)

// Spec is the config spec of the `sigma` processor: the single source of truth
// for its YAML fields (the daemon's flag translator emits YAML this spec
// validates). Feature files contribute their fields through the lists below.
func Spec() *service.ConfigSpec {
	spec := service.NewConfigSpec().
		Beta().
		Categories("Utility").
		Summary("Evaluates Sigma detection and correlation rules against each message and emits one message per result.").
		Description(`
Each input message is one event (one line of NDJSON, syslog, logfmt, CEF or plain text, per `+"`input_format`"+`).
The processor evaluates every loaded Sigma rule against it and replaces the message with one message per
result: detections in rule order, then correlation results, each a JSON object in the rsigma result format.
Each result message keeps the input message's metadata and adds `+"`sigma_rule_id`, `sigma_rule_title`, `sigma_level`, "+
			"`sigma_rule_author`, `sigma_tags` (comma-separated) and `sigma_kind` (`detection` or `correlation`)"+`, so that a
`+"`switch`"+` can route on the rule without reading the content. An event with no result is filtered out (no message,
never an empty batch), which is what `+"`branch`"+` and `+"`switch`"+` expect. With `+"`annotate`"+` the events are kept
and their results added to them instead. An event that cannot be decoded is passed on unchanged and marked with an
error (`+"`errored()`"+` in Bloblang), so that a `+"`switch`"+` output can route it to a dead-letter queue.

Rules are compiled once at startup (and on reload); evaluation is safe to run on several pipeline threads.`).
		Example("Detections from stdin to stdout", "Evaluate the rules of a directory against NDJSON events.", `
input:
  stdin: {}
pipeline:
  processors:
    - sigma:
        rules: [ ./rules ]
output:
  stdout: {}
`)
	spec = spec.LintRule(`root = if this.rules.or([]).length() == 0 { [ "field rules is required: list at least one Sigma rule file or directory" ] }`)
	for _, f := range ruleFields() {
		spec = spec.Field(f)
	}
	for _, f := range routingFields() {
		spec = spec.Field(f)
	}
	for _, f := range formatFields() {
		spec = spec.Field(f)
	}
	for _, f := range correlationFields() {
		spec = spec.Field(f)
	}
	for _, f := range pipelineFields() {
		spec = spec.Field(f)
	}
	for _, f := range prefilterFields() {
		spec = spec.Field(f)
	}
	for _, f := range fleetFields() {
		spec = spec.Field(f)
	}
	return spec
}

// ruleFields are the fields of the detection core.
func ruleFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewStringListField(fieldRules).
			Description("Sigma rule files or directories (walked recursively; `.yml`/`.yaml` files). Detection, correlation and filter rules may be mixed.").
			Example([]string{"./rules"}),
		service.NewBoolField(fieldStrictRules).
			Description("Fail when any rule is rejected. By default a rule that cannot be parsed or compiled is logged " +
				"(WARN, naming file, rule and YAML path) and counted in `rsigma_rules_rejected`, and the other rules load; " +
				"the processor fails only when no detection rule loads at all. A reload always fails on a rejected rule " +
				"and keeps the previous rules. `engine daemon` sets it with `--strict-rules`.").
			Default(false),
		service.NewBoolField(fieldIncludeEvent).
			Description("Add the decoded event under the key `event` of every detection result.").
			Default(false),
		service.NewStringField(fieldAnnotate).
			Description("Annotate mode: keep each message and add its results (an array of result objects) under this key, " +
				"as enrichment processors do, instead of replacing the message by one message per result. A JSON object " +
				"message gains the key; other content becomes `{\"message\": <content>, <key>: [...]}`. A message without " +
				"results passes on unchanged. Empty (the default): one message per result, carrying the `sigma_*` metadata.").
			Default("").
			Example("sigma"),
		service.NewBoolField(fieldResultMeta).
			Description("Set the `sigma_*` metadata on every result message. Setting six metadata keys costs each result a " +
				"metadata map of its own, a tenth of what the processor allocates per event, so a stream whose later stages " +
				"never read the metadata (`engine daemon`'s outputs) turns it off; results are otherwise the same.").
			Default(true).
			Advanced(),
		service.NewIntField(fieldDetectWorkers).
			Description("Goroutines that decode and detect the messages of one evaluation step in parallel; correlation sees the " +
				"events and results leave in input order. `0` (the default) uses every CPU (GOMAXPROCS). A step is split only " +
				"at 8 or more messages per worker, so light traffic (small batches) is evaluated on the pipeline's goroutine " +
				"with no hand-over; `1` never splits.").
			Default(0).
			Advanced(),
		service.NewIntField(fieldBatchSize).
			Description("The most events evaluated in one step: a larger message batch is evaluated in consecutive steps of " +
				"this size, in order, each observed on its own by `rsigma_batch_size`, `rsigma_pipeline_latency_seconds` and " +
				"`rsigma_event_processing_seconds`. `0` evaluates each message batch in one step. `engine daemon` sets it to " +
				"`--batch-size`.").
			Default(0).
			Advanced(),
	}
}
