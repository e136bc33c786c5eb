package sigma

import "testing"

// BenchmarkLoadCorpus measures loading the SigmaHQ corpus from disk (YAML
// parsing, validation) and compiling it (matchers and candidate index).
func BenchmarkLoadCorpus(b *testing.B) {
	b.Run("load", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := LoadPath(corpusDir); err != nil {
				b.Skip(err)
			}
		}
	})
	b.Run("compile", func(b *testing.B) {
		rs, err := LoadPath(corpusDir)
		if err != nil {
			b.Skip(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, _, err := Compile(rs, CompileOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
