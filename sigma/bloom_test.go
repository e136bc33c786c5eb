package sigma

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestNeedleBloomNeverHidesANeedle(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const alphabet = `abcde\. -`
	word := func(n int) string {
		var sb strings.Builder
		for i := 0; i < n; i++ {
			sb.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		return sb.String()
	}
	for round := 0; round < 300; round++ {
		var needles []string
		for i := r.IntN(20) + 1; i > 0; i-- {
			needles = append(needles, word(r.IntN(8)+1))
		}
		b := newNeedleBloom(needles, DefaultBloomMaxBytes)
		if b == nil {
			t.Fatalf("no filter for needles %q", needles)
		}
		for i := 0; i < 50; i++ {
			text := word(r.IntN(40))
			if b.mayContain(text) {
				continue
			}
			for _, nd := range needles {
				if strings.Contains(text, nd) {
					t.Fatalf("filter rejected %q which contains needle %q", text, nd)
				}
			}
		}
	}
}

func TestNeedleBloomLimits(t *testing.T) {
	if b := newNeedleBloom([]string{"abc", ""}, DefaultBloomMaxBytes); b != nil {
		t.Error("an empty needle matches everything, yet a filter was built")
	}
	if b := newNeedleBloom([]string{"abc", "^"}, DefaultBloomMaxBytes); !b.mayContain("x^y") || b.mayContain("xyz") {
		t.Error("a one-byte needle is not honoured")
	}
	if b := newNeedleBloom([]string{"abcdef", "ghijkl"}, 1); b != nil {
		t.Error("filter built beyond its byte budget")
	}
	var none *needleBloom
	if !none.mayContain("anything") {
		t.Error("a missing filter must let every text through")
	}
	b := newNeedleBloom([]string{"mimikatz", "sekurlsa"}, DefaultBloomMaxBytes)
	if !b.mayContain("c:\\users\\public\\mimikatz.exe") {
		t.Error("filter rejected a text holding a needle")
	}
	if b.mayContain("svchost.exe -k netsvcs") && b.mayContain("explorer.exe") && b.mayContain("notepad.exe report.txt") {
		t.Error("filter lets everything through")
	}
}
