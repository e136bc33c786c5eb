package sigma

import (
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
)

// corpusDir is the SigmaHQ corpus kept in testdata/.
var corpusDir = sigmahq.Dir()

// expectedCorpusRejections lists corpus rules rejected on purpose, by file,
// with the defect of the rule. It is empty: every SigmaHQ rule compiles.
var expectedCorpusRejections = map[string]string{}

var (
	corpusOnce     sync.Once
	corpusRS       *RuleSet
	corpusOn       *Engine
	corpusOff      *Engine
	corpusRejected []*LoadError
	corpusErr      error
)

// loadCorpus loads and compiles the SigmaHQ corpus once per test binary, with
// the candidate index on and off.
func loadCorpus(t testing.TB) (*RuleSet, *Engine, *Engine) {
	t.Helper()
	corpusOnce.Do(func() {
		corpusRS, corpusErr = LoadPath(corpusDir)
		if corpusErr != nil {
			return
		}
		var rej []*LoadError
		corpusOn, rej, corpusErr = Compile(corpusRS, CompileOptions{})
		if corpusErr != nil {
			return
		}
		corpusRejected = append(append([]*LoadError{}, corpusRS.Rejected...), rej...)
		corpusOff, _, corpusErr = Compile(corpusRS, CompileOptions{DisableCandidateIndex: true})
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpusRS, corpusOn, corpusOff
}

// TestCorpusLoadsAndCompiles loads the whole SigmaHQ corpus and asserts that
// every rule compiles except the known-defective ones.
func TestCorpusLoadsAndCompiles(t *testing.T) {
	rs, on, _ := loadCorpus(t)
	for _, le := range corpusRejected {
		if _, known := expectedCorpusRejections[le.File]; !known {
			t.Errorf("unexpected rejection: %v", le)
		}
	}
	if len(rs.Rules) < sigmahq.RuleFiles {
		t.Errorf("loaded %d rules, want the %d corpus rules", len(rs.Rules), sigmahq.RuleFiles)
	}
	st := on.IndexStats()
	t.Logf("loaded %d rules, %d correlations, %d filters; compiled %d; rejected %d; index: %+v",
		len(rs.Rules), len(rs.Correlations), len(rs.Filters), len(on.Rules()), len(corpusRejected), st)
}

// TestCorpusRulesFireOnSampleEvents evaluates the whole corpus against
// hand-written events that must fire (or must not fire) specific SigmaHQ
// rules, with the candidate index on and off.
func TestCorpusRulesFireOnSampleEvents(t *testing.T) {
	_, on, off := loadCorpus(t)
	const (
		certutilDecode = "cc9cbe82-7bc0-4ef5-bc23-bbfb83947be7"
		whoamiAll      = "c248c896-e412-4279-8c15-1c558067b6fa"
		bufferOverflow = "18b042f0-2ecd-4b6e-9f8d-aa7a7e7de781"
		edrFreeze      = "c598cc0c-9e70-4852-b9eb-8921af79f598"
	)
	cases := []struct {
		name     string
		event    string
		fires    []string
		notFires []string
	}{
		{"certutil_decode_with_slash_switch",
			`{"Image":"C:\\Windows\\System32\\certutil.exe","OriginalFileName":"CertUtil.exe","CommandLine":"certutil /decode payload.b64 out.exe"}`,
			[]string{certutilDecode}, nil},
		{"certutil_decode_with_en_dash_switch",
			`{"Image":"C:\\Windows\\System32\\certutil.exe","CommandLine":"certutil –decode payload.b64 out.exe"}`,
			[]string{certutilDecode}, nil},
		{"whoami_all_by_original_file_name",
			`{"Image":"C:\\Temp\\w.exe","OriginalFileName":"whoami.exe","CommandLine":"w.exe /all"}`,
			[]string{whoamiAll}, nil},
		{"kernel_stack_smashing_keyword",
			`{"message":"kernel: *** stack smashing detected ***: terminated"}`,
			[]string{bufferOverflow}, []string{whoamiAll}},
		{"imphash_inside_sysmon_hashes",
			`{"Image":"C:\\Temp\\x.exe","Hashes":"SHA1=0EB3DC9113AE28D77A85A52B3BF7B79A4B7FD24E,MD5=4B8207877186FAFFB90E3A4D9358CBA6,IMPHASH=2C617A175D0086251642C6619F7CC8BA"}`,
			[]string{edrFreeze}, nil},
		{"imphash_prefix_only_does_not_fire",
			`{"Image":"C:\\Temp\\x.exe","Hashes":"MD5=4B8207877186FAFFB90E3A4D9358CBA6,IMPHASH=2C617A175D0086251642C6619F7CC8B0"}`,
			nil, []string{edrFreeze}},
		{"benign_certutil_does_not_fire",
			`{"Image":"C:\\Windows\\System32\\certutil.exe","CommandLine":"certutil -hashfile a.txt"}`,
			nil, []string{certutilDecode, whoamiAll}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := newTestEvent(t, c.event)
			got := matchedIDs(on.Evaluate(ev, nil))
			if gotOff := matchedIDs(off.Evaluate(ev, nil)); !slices.Equal(got, gotOff) {
				t.Errorf("index on %v, off %v", got, gotOff)
			}
			for _, id := range c.fires {
				if !containsString(got, id) {
					t.Errorf("rule %s did not fire; fired: %v", id, got)
				}
			}
			for _, id := range c.notFires {
				if containsString(got, id) {
					t.Errorf("rule %s fired", id)
				}
			}
		})
	}
}

func matchedIDs(ms []Match) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.Rule.ID)
	}
	sort.Strings(ids)
	return ids
}
