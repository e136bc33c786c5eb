package config

import (
	"strings"
	"testing"
)

func TestPipelineSectionOnlyWhenGiven(t *testing.T) {
	if m := pipelineSection(&Options{}); len(m) != 0 {
		t.Fatalf("empty options produced %v", m)
	}
	m := pipelineSection(&Options{Pipelines: []string{"sysmon"}, Sources: []string{"s.yml"}, AllowRemoteInclude: true, Enrichers: "e.yml"})
	var keys []string
	for _, e := range m {
		keys = append(keys, e.Key)
	}
	if strings.Join(keys, ",") != "pipelines,sources,allow_remote_include,enrichers" {
		t.Fatalf("keys = %v", keys)
	}
}
