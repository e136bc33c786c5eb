// Command corpusgrow writes a grown Sigma rule corpus for scale benchmarks
// (internal/corpusgrow): the corpus, then mutated copies that keep each
// rule's shape and rarely fire.
//
//	go run ./bench/corpusgrow -times 10 -out-dir /tmp/corpus10x
//
// writes the SigmaHQ corpus of testdata/ to /tmp/corpus10x/00 and nine
// mutated copies to /tmp/corpus10x/01 … 09; point `engine daemon -r` at
// /tmp/corpus10x.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/rsigma-connect/rsigma-connect/internal/corpusgrow"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
)

func main() {
	rules := flag.String("rules", sigmahq.Dir(), "the corpus to grow")
	times := flag.Int("times", 10, "size of the output in corpora: the original plus times-1 copies")
	outDir := flag.String("out-dir", "", "directory to write into (must not hold rules already)")
	flag.Parse()
	if *outDir == "" {
		fmt.Fprintln(os.Stderr, "corpusgrow: -out-dir is required")
		os.Exit(2)
	}
	st, err := corpusgrow.Write(*rules, *outDir, *times)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %s\n", *outDir, st)
}
