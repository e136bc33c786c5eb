// Package examples holds the test that builds examples/embed, a host
// Benthos module that imports the `sigma` processor, as a Benthos user
// would (the module itself is outside the main module: it has a go.mod of
// its own).
package examples
