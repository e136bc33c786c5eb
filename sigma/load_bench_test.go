package sigma

import (
	"runtime"
	"testing"
)

// BenchmarkLoadCorpus measures loading the SigmaHQ corpus from disk (YAML
// parsing, validation) and compiling it (matchers and candidate index).
func BenchmarkLoadCorpus(b *testing.B) {
	b.Run("load", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := LoadPath(corpusDir); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compile", func(b *testing.B) {
		rs, err := LoadPath(corpusDir)
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, _, err := Compile(rs, CompileOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("live", benchmarkLiveEngine)
}

// benchmarkLiveEngine reports the heap an Engine built from the corpus keeps
// alive once the RuleSet it was compiled from is dropped (live-MB), next to
// the time of one load plus compile.
func benchmarkLiveEngine(b *testing.B) {
	var live uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		e := loadEngine(b)
		b.StopTimer()
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		live += after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(e)
		b.StartTimer()
	}
	b.ReportMetric(float64(live)/float64(b.N)/1e6, "live-MB")
}

// loadEngine loads and compiles the corpus, keeping only the Engine.
func loadEngine(b *testing.B) *Engine {
	rs, err := LoadPath(corpusDir)
	if err != nil {
		b.Fatal(err)
	}
	e, _, err := Compile(rs, CompileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return e
}
