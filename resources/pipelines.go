package resources

import "embed"

// Pipelines holds the builtin processing pipelines, one YAML file per
// builtin name (pipelines/<name>.yml).
//
//go:embed pipelines/*.yml
var Pipelines embed.FS
