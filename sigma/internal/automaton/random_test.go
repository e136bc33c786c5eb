package automaton

import (
	"math/rand"
	"strings"
)

// randomWords returns n words of minLen to minLen+span-1 bytes of alphabet,
// and the ids 0 to n-1.
func randomWords(rng *rand.Rand, alphabet string, n, minLen, span int) ([]string, []int32) {
	words, ids := make([]string, n), make([]int32, n)
	for i := range words {
		words[i], ids[i] = randomString(rng, alphabet, minLen+rng.Intn(span)), int32(i)
	}
	return words, ids
}

// randomString returns n bytes drawn from alphabet.
func randomString(rng *rand.Rand, alphabet string, n int) string {
	var b strings.Builder
	for ; n > 0; n-- {
		b.WriteByte(alphabet[rng.Intn(len(alphabet))])
	}
	return b.String()
}
