// Package sigma loads Sigma detection rules and evaluates them against log
// events.
//
// The stages are separate, as in a compiler:
//
//   - Loading (load.go, collection.go, parse_*.go) turns YAML files into the
//     rule model: Rule, Detection, Search, Group, Item, RuleValue and parsed
//     Condition trees. Problems are collected per document as LoadError
//     values naming file, rule and YAML path; the rest still loads.
//   - Filters (filter.go) and processing pipelines (package pipeline) rewrite
//     the model. RuleSet.ApplyFilters runs before pipelines.
//   - Compile (compile.go, item_plan.go, transform.go) lowers every item to
//     matcher nodes with pre-lowered literals (matcher*.go), resolves
//     conditions to search indexes (condition_eval.go), interns field names in
//     a FieldTable and builds the candidate index (index*.go).
//   - Evaluate (evaluate.go) asks the candidate index which rules can match an
//     Event, computes each candidate's boolean verdict and collects matched
//     selections and fields only for rules that match. Nothing is parsed and
//     nothing is allocated per event except the returned Match contents.
//
// Events are read only through the Event interface, so raw JSON
// (JSONEvent), decoded objects, key/value lines and plain text are evaluated
// by the same compiled rules. The semantics follow
// shared/spec/sigma-rules.md, including its DECISIONs; conformance_test.go
// holds one table-driven test per case of shared/spec/conformance-notes.md.
package sigma
