package bank

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// lintItem is a well-written single-answer item with no findings; each case
// below changes one thing about it.
func lintItem() *Item {
	return &Item{
		ID:         "lead-scoring-basics",
		Status:     Draft,
		Domain:     Concepts,
		Tiers:      []string{"foundation"},
		Topic:      "Lead management",
		Competency: "lifecycle.scoring",
		Type:       Single,
		Stem:       "A marketing team wants sales to follow up first on the leads most likely to buy. Which practice helps them do this?",
		Options: []Option{
			{Text: "Score leads on fit and engagement", Correct: true, Feedback: "Right: scoring ranks leads."},
			{Text: "Send each new lead to sales at once"},
			{Text: "Email the whole database weekly"},
			{Text: "Buy a larger contact list"},
		},
		Rationale: "Scoring combines fit and engagement so the best leads reach sales first.",
		Source:    "MOps seed article: lead management",
	}
}

func lintMultipleItem() *Item {
	it := lintItem()
	it.Type = Multiple
	it.Stem = "A marketing team wants sales to follow up first on the best leads. Which two practices help? Select two."
	it.Options[1] = Option{Text: "Agree on lead definitions with sales", Correct: true}
	return it
}

func lintTrueFalseItem() *Item {
	it := lintItem()
	it.Type = TrueFalse
	it.Stem = "Scoring ranks leads."
	it.Options = []Option{{Text: "True", Correct: true}, {Text: "False"}}
	return it
}

func TestLintGoodItems(t *testing.T) {
	l := NewLinter(nil)
	for name, it := range map[string]*Item{"Single": lintItem(), "Multiple": lintMultipleItem(), "TrueFalse": lintTrueFalseItem()} {
		t.Run(name, func(t *testing.T) {
			if fs := l.Item(it); len(fs) != 0 {
				t.Errorf("findings on a good item: %+v", fs)
			}
		})
	}
}

// TestLintRules runs each rule on an item where it must fire and one where
// it must not. When it fires, the finding names the field both in Field and,
// in words, at the start of Message.
func TestLintRules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rule  string
		edit  func(*Item) *Item
		field string   // "" means the rule must not fire
		sev   Severity // when it fires
		words []string // the message must also contain these
	}{
		{"InvalidOK", RuleInvalid, nil, "", "", nil},
		{"InvalidEmptyStem", RuleInvalid, func(it *Item) *Item { it.Stem = ""; return it }, "stem", SeverityError, []string{"needs a stem"}},
		{"InvalidEmptyOption", RuleInvalid, func(it *Item) *Item { it.Options[1].Text = ""; return it }, "options[1].text", SeverityError, []string{"needs text"}},
		{"InvalidTwoKeys", RuleInvalid, func(it *Item) *Item { it.Options[2].Correct = true; return it }, "options", SeverityError, nil},

		{"VendorOrdinaryWords", RuleVendorName, func(it *Item) *Item {
			it.Stem = "Team dynamics matter when an audience segment shows data drift after email outreach. Which step comes first? Never mind the sales force of a rival."
			return it
		}, "", "", nil},
		{"VendorInStem", RuleVendorName, func(it *Item) *Item { it.Stem = "Which hubspot report shows lead velocity by stage?"; return it }, "stem", SeverityError, []string{"“HubSpot”"}},
		{"VendorPossessive", RuleVendorName, func(it *Item) *Item { it.Stem = "How does Marketo's scoring rank leads by fit?"; return it }, "stem", SeverityError, []string{"“Marketo”"}},
		{"VendorInOption", RuleVendorName, func(it *Item) *Item { it.Options[2].Text = "Export leads to SFDC weekly"; return it }, "options[2].text", SeverityError, []string{"“SFDC”"}},
		{"VendorMultiWord", RuleVendorName, func(it *Item) *Item { it.Options[0].Feedback = "See **Google**\n Analytics goals."; return it }, "options[0].feedback", SeverityError, []string{"“Google Analytics”"}},
		{"VendorDotted", RuleVendorName, func(it *Item) *Item { it.Rationale = "As in [Outreach.io](https://outreach.io) cadences."; return it }, "rationale", SeverityError, []string{"“Outreach.io”"}},
		{"VendorProductForm", RuleVendorName, func(it *Item) *Item { it.Rationale = "Twilio Segment routes events."; return it }, "rationale", SeverityError, []string{"“Twilio Segment”"}},
		{"VendorDigits", RuleVendorName, func(it *Item) *Item { it.Rationale = "Intent data from 6sense helps."; return it }, "rationale", SeverityError, []string{"“6sense”"}},
		{"VendorNotInsideWord", RuleVendorName, func(it *Item) *Item { it.Rationale = "Onlookers and braziers and gongs."; return it }, "", "", nil},

		{"NegativeBold", RuleNegativeStem, func(it *Item) *Item { it.Stem = "Which of the following is **not** a lead status?"; return it }, "", "", nil},
		{"NegativeBoldPhrase", RuleNegativeStem, func(it *Item) *Item { it.Stem = "Which step **does not** belong in lead routing?"; return it }, "", "", nil},
		{"NegativeCapitals", RuleNegativeStem, func(it *Item) *Item { it.Stem = "All of these are SLA terms EXCEPT:"; return it }, "", "", nil},
		{"NegativeInScenario", RuleNegativeStem, func(it *Item) *Item {
			it.Stem = "The campaign did not convert and sales cannot reach the leads. Which metric should you check first?"
			return it
		}, "", "", nil},
		{"NegativeIdioms", RuleNegativeStem, func(it *Item) *Item {
			it.Stem = "Which metric shows whether or not a channel needs at least two touches?"
			return it
		}, "", "", nil},
		{"NegativePlain", RuleNegativeStem, func(it *Item) *Item { it.Stem = "Which of the following is not a lead status?"; return it }, "stem", SeverityWarning, []string{"“not”"}},
		{"NegativeExcept", RuleNegativeStem, func(it *Item) *Item { it.Stem = "All of these are SLA terms except:"; return it }, "stem", SeverityWarning, []string{"“except”"}},
		{"NegativeLeast", RuleNegativeStem, func(it *Item) *Item { it.Stem = "Which channel is least likely to reach buyers?"; return it }, "stem", SeverityWarning, []string{"“least”"}},
		{"NegativeContraction", RuleNegativeStem, func(it *Item) *Item { it.Stem = "Which step isn't needed in lead routing?"; return it }, "stem", SeverityWarning, []string{"“isn't”"}},
		{"NegativeItalicOnly", RuleNegativeStem, func(it *Item) *Item { it.Stem = "Which of the following is *not* a lead status?"; return it }, "stem", SeverityWarning, nil},

		{"AboveOK", RuleAllNoneOfTheAbove, nil, "", "", nil},
		{"AllOfTheAbove", RuleAllNoneOfTheAbove, func(it *Item) *Item { it.Options[3].Text = "All of the above"; return it }, "options[3].text", SeverityWarning, []string{"All of the above"}},
		{"NoneOfThese", RuleAllNoneOfTheAbove, func(it *Item) *Item { it.Options[3].Text = "None of these."; return it }, "options[3].text", SeverityWarning, nil},

		{"KeyLengthBalanced", RuleLongestKey, func(it *Item) *Item {
			it.Options[0].Text = "Score leads on fit and on recent engagement" // longest, but only a little
			return it
		}, "", "", nil},
		{"KeyLengthLongButClose", RuleLongestKey, func(it *Item) *Item {
			it.Options = []Option{{Text: "Use a CRM", Correct: true}, {Text: "Use a CDP"}, {Text: "Guess"}}
			return it
		}, "", "", nil},
		{"KeyLengthFires", RuleLongestKey, func(it *Item) *Item {
			it.Options[0].Text = "Score leads on demographic fit and on behavioural engagement, then route the best to sales first"
			return it
		}, "options[0].text", SeverityWarning, []string{"longest"}},
		{"KeyLengthMultiple", RuleLongestKey, func(*Item) *Item {
			it := lintMultipleItem()
			it.Options[0].Text = "Score leads on demographic fit and on behavioural engagement signals"
			it.Options[1].Text = "Agree with sales on written definitions for every lead stage"
			return it
		}, "options", SeverityWarning, nil},

		{"AbsoluteInKeyToo", RuleAbsoluteDistractor, func(it *Item) *Item {
			it.Options[0].Text = "Always score leads on fit"
			it.Options[1].Text = "Never send leads to sales"
			return it
		}, "", "", nil},
		{"AbsoluteInStem", RuleAbsoluteDistractor, func(it *Item) *Item {
			it.Stem = "A team wants every lead followed up within a day. Which practice helps them do this?"
			it.Options[1].Text = "Send every lead to sales"
			return it
		}, "", "", nil},
		{"AbsoluteOnlyInDistractor", RuleAbsoluteDistractor, func(it *Item) *Item { it.Options[2].Text = "Always email the whole database"; return it }, "options[2].text", SeverityWarning, []string{"“always”"}},

		{"StemShort", RuleStemTooShort, func(it *Item) *Item { it.Stem = "Define MQL?"; return it }, "stem", SeverityWarning, []string{"2 words"}},
		{"StemShortTrueFalseExempt", RuleStemTooShort, func(*Item) *Item { it := lintTrueFalseItem(); it.Stem = "Scoring matters."; return it }, "", "", nil},
		{"StemLong", RuleStemTooLong, func(it *Item) *Item { it.Stem = strings.Repeat("word ", 201) + "now?"; return it }, "stem", SeverityWarning, []string{"202 words"}},
		{"StemLongTrueFalseExempt", RuleStemTooLong, func(*Item) *Item { it := lintTrueFalseItem(); it.Stem = strings.Repeat("word ", 201); return it }, "", "", nil},

		{"EchoOK", RuleOptionRepeatsStem, nil, "", "", nil},
		{"EchoFires", RuleOptionRepeatsStem, func(it *Item) *Item {
			it.Stem = "Which metric tracks email engagement over time?"
			it.Options[1].Text = "The email engagement metric tracked over time"
			return it
		}, "options[1].text", SeverityWarning, []string{"5 of the stem's 6"}},

		{"RationaleMissing", RuleMissingRationale, func(it *Item) *Item { it.Rationale = "  "; return it }, "rationale", SeverityWarning, nil},
		{"SourceMissing", RuleMissingSource, func(it *Item) *Item { it.Source = ""; return it }, "source", SeverityWarning, nil},

		{"CountStated", RuleSelectCountMissing, func(*Item) *Item { return lintMultipleItem() }, "", "", nil},
		{"CountAllThatApply", RuleSelectCountMissing, func(*Item) *Item {
			it := lintMultipleItem()
			it.Stem = "Which practices help sales reach the best leads first? (Select all that apply.)"
			return it
		}, "", "", nil},
		{"CountWhichBoldTwo", RuleSelectCountMissing, func(*Item) *Item {
			it := lintMultipleItem()
			it.Stem = "Which **TWO** practices help sales reach the best leads first?"
			return it
		}, "", "", nil},
		{"CountSingleExempt", RuleSelectCountMissing, func(it *Item) *Item { it.Stem = "Which practices help sales reach the best leads?"; return it }, "", "", nil},
		{"CountMissing", RuleSelectCountMissing, func(*Item) *Item {
			it := lintMultipleItem()
			it.Stem = "Which practices help sales reach the best leads first?"
			return it
		}, "stem", SeverityWarning, []string{"how many"}},
		{"CountMismatchOK", RuleSelectCountMismatch, func(*Item) *Item { return lintMultipleItem() }, "", "", nil},
		{"CountMismatch", RuleSelectCountMismatch, func(*Item) *Item {
			it := lintMultipleItem()
			it.Options[2].Correct = true
			return it
		}, "stem", SeverityWarning, []string{"2 options but 3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := lintItem()
			if tc.edit != nil {
				it = tc.edit(it)
			}
			var got []Finding
			for _, f := range NewLinter(nil).Item(it) {
				if f.Rule == tc.rule {
					got = append(got, f)
				}
			}
			if tc.field == "" {
				if len(got) > 0 {
					t.Fatalf("%s fired: %+v", tc.rule, got)
				}
				return
			}
			i := slices.IndexFunc(got, func(f Finding) bool { return f.Field == tc.field })
			if i < 0 {
				t.Fatalf("%s did not fire on %s; got %+v", tc.rule, tc.field, got)
			}
			f := got[i]
			if got, want := f.Severity, tc.sev; got != want {
				t.Errorf("severity = %s, want %s", got, want)
			}
			if label := findingLabel(tc.field) + ": "; !strings.HasPrefix(f.Message, label) {
				t.Errorf("message %q does not start with %q", f.Message, label)
			}
			for _, w := range tc.words {
				if !strings.Contains(f.Message, w) {
					t.Errorf("message %q does not contain %q", f.Message, w)
				}
			}
		})
	}
}

func TestLintFieldLabel(t *testing.T) {
	for key, want := range map[string]string{
		"stem": "Stem", "options[0].text": "Option 1", "options[2].feedback": "Feedback on option 3",
		"options": "Options", "tiers[1]": "Tier 2", "id": "ID", "rationale": "Rationale",
	} {
		if got := findingLabel(key); got != want {
			t.Errorf("findingLabel(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestLintVendorList(t *testing.T) {
	it := lintItem()
	it.Stem = "How does the Acme pipeline report help sales reach leads? See also HubSpot."
	t.Run("Custom", func(t *testing.T) {
		fs := NewLinter([]string{"Acme"}).Item(it)
		if got, want := countRule(fs, RuleVendorName), 1; got != want {
			t.Fatalf("vendor findings = %d, want %d: %+v", got, want, fs)
		}
		if !HasErrors(fs) {
			t.Error("HasErrors = false with a vendor finding")
		}
	})
	t.Run("Off", func(t *testing.T) {
		if got := countRule(NewLinter([]string{}).Item(it), RuleVendorName); got != 0 {
			t.Errorf("vendor findings = %d with the rule off", got)
		}
	})
	t.Run("DefaultAvoidsOrdinaryWords", func(t *testing.T) {
		for _, v := range DefaultVendorNames() {
			for _, w := range []string{"Dynamics", "Segment", "Outreach", "Drift", "Google", "Acoustic"} {
				if strings.EqualFold(v, w) {
					t.Errorf("default list has the bare word %q", v)
				}
			}
		}
	})
	t.Run("Warnings", func(t *testing.T) {
		if HasErrors([]Finding{{Rule: RuleMissingSource, Severity: SeverityWarning}}) {
			t.Error("HasErrors = true with only warnings")
		}
	})
}

func TestLintFindingJSON(t *testing.T) {
	b, err := json.Marshal([]Finding{
		{Rule: RuleVendorName, Severity: SeverityError, Field: "stem", Message: "Stem: x"},
		{Rule: RuleInvalid, Severity: SeverityError, Message: "y"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"rule":"vendor_name","severity":"error","field":"stem","message":"Stem: x"},{"rule":"invalid","severity":"error","message":"y"}]`
	if got := string(b); got != want {
		t.Errorf("JSON\n got %s\nwant %s", got, want)
	}
}

func countRule(fs []Finding, rule string) int {
	n := 0
	for _, f := range fs {
		if f.Rule == rule {
			n++
		}
	}
	return n
}

func TestLintBank(t *testing.T) {
	mk := func(id, stem string) *Item {
		it := lintItem()
		it.ID, it.Stem = id, stem
		return it
	}
	const long = "A marketing team wants sales to follow up first on the leads most likely to buy this quarter. Which practice helps them do this?"
	items := []*Item{
		mk("item-a", long),
		mk("item-b", "a MARKETING team wants sales to follow up first on the leads most likely to buy, this quarter: which practice helps them do this"),
		mk("item-c", strings.Replace(long, "this quarter", "this year", 1)),
		mk("item-d", "Which metric shows how fast leads move from one stage to the next?"),
		mk("item-d", "Which metric shows how fast leads move from one stage to the next one?"), // another version of d
		nil,
	}
	got := NewLinter(nil).Bank(items)
	find := func(id, rule string) (Finding, bool) {
		for _, f := range got[id] {
			if f.Rule == rule {
				return f, true
			}
		}
		return Finding{}, false
	}

	t.Run("Duplicate", func(t *testing.T) {
		for id, other := range map[string]string{"item-a": "item-b", "item-b": "item-a"} {
			f, ok := find(id, RuleDuplicateStem)
			if !ok {
				t.Fatalf("%s: no duplicate_stem; got %+v", id, got[id])
			}
			if f.Severity != SeverityError || f.Field != "stem" || !strings.HasPrefix(f.Message, "Stem: ") || !strings.Contains(f.Message, "item "+other) {
				t.Errorf("%s: %+v", id, f)
			}
		}
		if _, ok := find("item-c", RuleDuplicateStem); ok {
			t.Error("c: duplicate_stem on a changed stem")
		}
	})
	t.Run("NearDuplicate", func(t *testing.T) {
		f, ok := find("item-c", RuleNearDuplicateStem)
		if !ok {
			t.Fatalf("c: no near_duplicate_stem; got %+v", got["item-c"])
		}
		if f.Severity != SeverityWarning || f.Field != "stem" || !strings.Contains(f.Message, "items item-a, item-b") {
			t.Errorf("c: %+v", f)
		}
		if _, ok := find("item-a", RuleNearDuplicateStem); !ok {
			t.Error("a: no near_duplicate_stem with c")
		}
	})
	t.Run("VersionsOK", func(t *testing.T) {
		if fs := got["item-d"]; len(fs) != 0 {
			t.Errorf("d: versions of one item compared: %+v", fs)
		}
	})
	t.Run("ItemRulesIncluded", func(t *testing.T) {
		bad := mk("item-e", "Which HubSpot report shows lead velocity by stage?")
		if fs := NewLinter(nil).Bank([]*Item{bad}); countRule(fs["item-e"], RuleVendorName) != 1 {
			t.Errorf("e: %+v", fs["item-e"])
		}
		if fs := NewLinter(nil).Bank([]*Item{lintItem()}); len(fs) != 0 {
			t.Errorf("findings on a clean bank: %+v", fs)
		}
	})
}

// TestLintBankNearDuplicatesExact checks the prefix filter against comparing
// every nearPair: it must find exactly the same near-duplicate pairs.
func TestLintBankNearDuplicatesExact(t *testing.T) {
	items := lintSyntheticBank(1000, 7)
	got := map[string]bool{}
	for id, fs := range stemDuplicates(items) {
		for _, f := range fs {
			if f.Rule == RuleNearDuplicateStem {
				got[id] = true
			}
		}
	}
	want := map[string]bool{}
	type set = map[string]bool
	sets := make([]set, len(items))
	norms := make([]string, len(items))
	for i, it := range items {
		var words []string
		for _, tk := range splitWords(it.Stem) {
			words = append(words, tk.word)
		}
		norms[i] = strings.Join(words, " ")
		sets[i] = set{}
		for j := 1; j < len(words); j++ {
			sets[i][words[j-1]+" "+words[j]] = true
		}
	}
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			if norms[i] == norms[j] {
				continue
			}
			inter := 0
			for b := range sets[i] {
				if sets[j][b] {
					inter++
				}
			}
			if float64(inter)/float64(len(sets[i])+len(sets[j])-inter) >= nearDupJaccard {
				want[items[i].ID], want[items[j].ID] = true, true
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("the synthetic bank has no near duplicates to find")
	}
	for id := range want {
		if !got[id] {
			t.Errorf("missed near duplicate %s", id)
		}
	}
	for id := range got {
		if !want[id] {
			t.Errorf("false near duplicate %s", id)
		}
	}
}

// lintSyntheticBank makes n items whose stems draw words from a Zipf-distributed
// vocabulary, many opening with the same stock phrases as real banks do;
// about one in fifty is a copy of an earlier stem with one word changed.
func lintSyntheticBank(n int, seed uint64) []*Item {
	r := rand.New(rand.NewPCG(seed, 1))
	zipf := rand.NewZipf(r, 1.1, 2, 3999)
	word := func() string { return fmt.Sprintf("w%d", zipf.Uint64()) }
	openers := []string{"Which of the following best describes", "What should the marketing operations team do first when", "Which metric best shows", ""}
	items := make([]*Item, n)
	for i := range items {
		it := lintItem()
		it.ID = fmt.Sprintf("item-%05d", i)
		if i > 0 && r.IntN(50) == 0 {
			words := strings.Fields(items[r.IntN(i)].Stem)
			words[r.IntN(len(words))] = word()
			it.Stem = strings.Join(words, " ")
		} else {
			words := []string{openers[r.IntN(len(openers))]}
			for range 10 + r.IntN(30) {
				words = append(words, word())
			}
			it.Stem = strings.Join(words, " ") + "?"
		}
		for j := range it.Options {
			it.Options[j].Text = word() + " " + word() + " " + word()
		}
		items[i] = it
	}
	return items
}

func BenchmarkLintBank10k(b *testing.B) {
	items := lintSyntheticBank(10000, 42)
	l := NewLinter(nil)
	b.ReportAllocs()
	for b.Loop() {
		_ = l.Bank(items)
	}
}

// Ordering and matching options have no key among them, so a firm word in
// one of them is not a cue.
func TestLintNoDistractorCuesOnOrderingMatching(t *testing.T) {
	for _, typ := range []Type{Ordering, Matching} {
		it := &Item{ID: "x-" + string(typ), Status: Draft, Domain: Tools, Type: typ, Tiers: []string{"foundation"},
			Stem: "Put the steps of a DMARC roll-out for a sending domain in the order a careful team takes them.",
			Options: []Option{
				{Text: "Publish p=none and collect every aggregate report", Match: "one"},
				{Text: "Fix the sources that fail alignment", Match: "two"},
				{Text: "Move to quarantine for a share of mail", Match: "three"},
			}}
		for _, f := range NewLinter(nil).Item(it) {
			if f.Rule == RuleAbsoluteDistractor {
				t.Errorf("%s item: %s on %s: %s", typ, f.Rule, f.Field, f.Message)
			}
		}
	}
}
