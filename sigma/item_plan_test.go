package sigma

import "testing"

// TestCompileSeesItemsRewrittenInPlace checks that Compile does not reuse
// the plan made at load time once an item was changed in place after
// loading, as a pipeline or a library user may do.
func TestCompileSeesItemsRewrittenInPlace(t *testing.T) {
	cases := []struct {
		name    string
		rewrite func(*Item)
		events  []ev
	}{
		{"value_text", func(it *Item) { it.Values[0].Text = "bar" },
			[]ev{M(`{"A":"xBARx"}`), N(`{"A":"xfoox"}`)}},
		{"value_kind", func(it *Item) { *it.Values[0] = RuleValue{Kind: RuleNull} },
			[]ev{M(`{"B":"foo"}`), N(`{"A":"xfoox"}`)}},
		{"modifier", func(it *Item) { it.Modifiers[0] = "startswith" },
			[]ev{M(`{"A":"foox"}`), N(`{"A":"xfoox"}`)}},
		{"field", func(it *Item) { it.Field = "B" },
			[]ev{M(`{"B":"xfoox"}`), N(`{"A":"xfoox"}`)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, _ := LoadBytes("p.yml", []byte(ruleDoc(`sel: {A|contains: foo}`)))
			if len(rs.Rejected) > 0 {
				t.Fatal(rs.Rejected[0])
			}
			item := rs.Rules[0].Detection.Searches[0].Groups[0].Items[0]
			if rs.plans[item.fingerprint()] == nil {
				t.Fatal("the item was not planned at load time")
			}
			if c.name == "value_kind" {
				item.Modifiers = nil
			}
			c.rewrite(item)
			on, off, err := compileSet(t, rs)
			if err != nil {
				t.Fatal(err)
			}
			checkEvents(t, on, off, c.events)
		})
	}
}

// TestVariantsFromMatchersEqualParsedVariants checks, over the corpus, that
// the variants appendMatcherVariant reads off a matcher are the ones
// parsing the value again gives.
func TestVariantsFromMatchersEqualParsedVariants(t *testing.T) {
	rs, _, _ := loadCorpus(t)
	derived := 0
	for _, r := range rs.Rules {
		for _, s := range r.Detection.Searches {
			for _, g := range s.Groups {
				for _, it := range g.Items {
					derived += compareVariants(t, rs.plans, r, it)
				}
			}
		}
	}
	if derived == 0 {
		t.Fatal("no variant was read off a matcher")
	}
}

// compareVariants compares both ways of listing the variants of an item's
// values and returns how many were read off the matcher.
func compareVariants(t *testing.T, plans itemPlans, r *Rule, it *Item) int {
	plan := plans[it.fingerprint()]
	if plan == nil || len(plan.values) == 0 {
		return 0
	}
	mods, err := parseModifiers(it.Modifiers)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, v := range it.Values {
		var lits []StringPart
		fast, ok := appendMatcherVariant(nil, &lits, plan.values[i], plan.transforms)
		if !ok {
			continue
		}
		n++
		slow, err := appendVariants(nil, v, mods, it.Keyword())
		if err != nil {
			t.Fatalf("%s: %s: %v", r.File, it.Path, err)
		}
		if len(fast) != len(slow) {
			t.Fatalf("%s: %s: %d variants, want %d", r.File, it.Path, len(fast), len(slow))
		}
		for j := range fast {
			f, s := fast[j], slow[j]
			if f.op != s.op || f.isStr != s.isStr || (f.num == nil) != (s.num == nil) || f.num != nil && *f.num != *s.num ||
				f.boolean != s.boolean || FormatSigmaString(f.pat, false) != FormatSigmaString(s.pat, false) || len(f.pat) != len(s.pat) {
				t.Fatalf("%s: %s: variant %+v, want %+v", r.File, it.Path, f, s)
			}
		}
	}
	return n
}

// TestCompiledNodesListTheParsedVariants checks, over the corpus, that the
// literal forms a compiled node lists for the candidate index when asked
// (variantsOf; nodes keep no copy of them) are those parsing each value
// again gives.
func TestCompiledNodesListTheParsedVariants(t *testing.T) {
	_, e, _ := loadCorpus(t)
	listed := 0
	for _, cr := range e.rules {
		for _, s := range cr.searches {
			for _, g := range s.written {
				for _, n := range g {
					if len(n.values) != len(n.item.Values) {
						continue
					}
					mods, err := parseModifiers(n.item.Modifiers)
					if err != nil {
						t.Fatal(err)
					}
					for i, v := range n.item.Values {
						want, err := appendVariants(nil, v, mods, n.item.Keyword())
						if err != nil {
							t.Fatalf("%s: %s: %v", cr.rule.File, n.item.Path, err)
						}
						got := n.variantsOf(i)
						if len(got) != len(want) {
							t.Fatalf("%s: %s: %d variants, want %d", cr.rule.File, n.item.Path, len(got), len(want))
						}
						for j := range got {
							f, s := got[j], want[j]
							if f.op != s.op || f.isStr != s.isStr || (f.num == nil) != (s.num == nil) || f.num != nil && *f.num != *s.num ||
								f.boolean != s.boolean || FormatSigmaString(f.pat, false) != FormatSigmaString(s.pat, false) {
								t.Fatalf("%s: %s: variant %+v, want %+v", cr.rule.File, n.item.Path, f, s)
							}
						}
						listed++
					}
				}
			}
		}
	}
	if listed == 0 {
		t.Fatal("no compiled value listed its variants")
	}
}

// A group written cheapest first keeps one slice for both orders; another
// gets its own, sorted copy and the written order is left as it was.
func TestByCostSharesAGroupWrittenInCostOrder(t *testing.T) {
	exists := &itemNode{itemPlan: &itemPlan{kind: itemExists}}
	keywords := &itemNode{itemPlan: &itemPlan{kind: itemKeywords}}
	sorted := []*itemNode{exists, keywords}
	if got := byCost(sorted); &got[0] != &sorted[0] {
		t.Error("a group in cost order was copied")
	}
	written := []*itemNode{keywords, exists}
	got := byCost(written)
	if &got[0] == &written[0] || got[0] != exists || written[0] != keywords {
		t.Errorf("byCost(keywords, exists) = %v, written order now %v", got, written)
	}
}
