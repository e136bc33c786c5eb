// Package processor is the `sigma` processor plugin for the Benthos v4
// stream framework: the adapter of an engine.Evaluator to service.Message
// batches. Importing it registers `sigma` and `sigma_dlq_entry` on the
// framework's global environment and nothing else; the components of the
// rsigma-connect daemon register from package daemon.
package processor
