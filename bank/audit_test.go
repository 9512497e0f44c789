package bank

import (
	"math"
	"os"
	"sort"
	"testing"
)

func loadFixture(t *testing.T, name string) []*Item {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseYAML(data, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	items := make([]*Item, len(parsed))
	for i := range parsed {
		it := parsed[i].Item
		it.Normalize()
		if err := it.Validate(); err != nil {
			t.Fatalf("%s: %v", it.ID, err)
		}
		items[i] = &it
	}
	return items
}

func itemsOfTier(items []*Item, tier string) []*Item {
	var out []*Item
	for _, it := range items {
		if hasTier(it, tier) {
			out = append(out, it)
		}
	}
	return out
}

// TestAuditPlantedCues: each rule fires where it is planted, and no rule
// fires anywhere on the clean control bank.
func TestAuditPlantedCues(t *testing.T) {
	cues := Audit(loadFixture(t, "audit_cues.yaml"), AuditOptions{Forms: 50})
	clean := Audit(loadFixture(t, "audit_clean.yaml"), AuditOptions{Forms: 50})
	for _, f := range clean.Findings {
		t.Errorf("clean bank: %s %s %s: %s (%s)", f.ItemID, f.Tier, f.Rule, f.Message, f.Evidence)
	}
	for _, tc := range []struct {
		rule, item, tier string
		sev              Severity
	}{
		{AuditKeyGiveaway, "cue-key-giveaway", "", SeverityError},
		{AuditKeyMostQualified, "cue-key-most-qualified", "", SeverityWarning},
		{AuditKeyLongest, "cue-key-longest", "", SeverityWarning},
		{AuditAbsolutes, "cue-absolutes", "", SeverityWarning},
		{AuditGrammar, "cue-grammar", "", SeverityWarning},
		{AuditClang, "cue-clang", "", SeverityWarning},
		{AuditConvergence, "cue-convergence", "", SeverityWarning},
		{AuditTrueFalseWording, "cue-true-false-wording", "", SeverityWarning},
		{AuditEnemy, "cue-enemy-dmarc-a", "", SeverityWarning},
		{AuditEnemy, "cue-enemy-dmarc-b", "", SeverityWarning},
		{AuditKeySecondLongest, "", "runs", SeverityWarning},
		{AuditKeyPosition, "", "runs", SeverityWarning},
		{AuditTrueFalseBalance, "", "tf", SeverityWarning},
		{AuditSelectCount, "", "sel", SeverityWarning},
		{AuditGuesserAboveChance, "", "cues", SeverityWarning},
	} {
		t.Run(tc.rule+"/"+tc.item+tc.tier, func(t *testing.T) {
			for _, f := range cues.Findings {
				if f.Rule == tc.rule && f.ItemID == tc.item && (tc.tier == "" || f.Tier == tc.tier) {
					if f.Severity != tc.sev {
						t.Errorf("severity %s, want %s", f.Severity, tc.sev)
					}
					if f.Message == "" || f.Evidence == "" {
						t.Errorf("finding without message or evidence: %+v", f)
					}
					return
				}
			}
			t.Errorf("%s did not fire on %s%s", tc.rule, tc.item, tc.tier)
		})
	}
	// The planted giveaway is the only error: the rule is conservative.
	if got := cues.Errors(); got != 1 {
		t.Errorf("errors = %d, want 1", got)
	}
}

func TestGuesserScore(t *testing.T) {
	cues := loadFixture(t, "audit_cues.yaml")
	t.Run("Wins", func(t *testing.T) {
		g, c := GuesserScore(itemsOfTier(cues, "cues"))
		if g < c+30 {
			t.Errorf("guesser %.1f %%, chance %.1f %%: the planted cues should give it at least 30 points", g, c)
		}
		// A true/false tier keyed True throughout: the guesser learns the lean.
		if g, c := GuesserScore(itemsOfTier(cues, "tf")); g != 100 || c != 50 {
			t.Errorf("tf tier: guesser %.1f, chance %.1f; want 100 and 50", g, c)
		}
	})
	t.Run("AtChance", func(t *testing.T) {
		g, c := GuesserScore(loadFixture(t, "audit_clean.yaml"))
		if c < 20 || math.Abs(g-c) > 1e-9 {
			t.Errorf("clean bank: guesser %.4f %%, chance %.4f %%; want equal", g, c)
		}
	})
}

func TestGuessItemTypes(t *testing.T) {
	opts := func(n int) []Option {
		o := make([]Option, n)
		for i := range o {
			o[i] = Option{Text: string(rune('a' + i)), Match: string(rune('A' + i))}
		}
		return o
	}
	for name, tc := range map[string]struct {
		it            Item
		guess, chance float64
	}{
		"Numeric":   {Item{Type: Numeric, Stem: "What share breached the SLA? Always answer in percent.", Numeric: &NumericKey{Value: 13}}, 0, 0},
		"Ordering4": {Item{Type: Ordering, Stem: "Put the stages in order.", Options: opts(4)}, 1.0 / 24, 1.0 / 24},
		"Matching3": {Item{Type: Matching, Stem: "Match each record to its use.", Options: opts(3)}, 1.0 / 6, 1.0 / 6},
		"SelectTwo": {Item{Type: Multiple, Stem: "Which two? Select two.", Options: []Option{{Text: "one", Correct: true}, {Text: "two", Correct: true}, {Text: "six"}, {Text: "ten"}}}, 1.0 / 6, 1.0 / 6},
	} {
		t.Run(name, func(t *testing.T) {
			g, c := guessItem(&tc.it, guessContext{})
			if math.Abs(g-tc.guess) > 1e-12 || math.Abs(c-tc.chance) > 1e-12 {
				t.Errorf("guess %.4f chance %.4f, want %.4f %.4f", g, c, tc.guess, tc.chance)
			}
			// No option-based cue reads an item without choosable options.
			if tc.it.Type != Multiple {
				if fs := itemCues(&tc.it, nil); len(fs) != 0 {
					t.Errorf("cues on a %s item: %+v", tc.it.Type, fs)
				}
			}
		})
	}
}

func TestEnemyGroups(t *testing.T) {
	groups := EnemyGroups(itemsOfTier(loadFixture(t, "audit_cues.yaml"), "cues"), DefaultEnemyThreshold)
	var dmarc *EnemyGroup
	for i, g := range groups {
		for _, id := range g.Items {
			if id == "cue-enemy-dmarc-a" {
				dmarc = &groups[i]
			}
		}
	}
	if dmarc == nil {
		t.Fatalf("the planted paraphrase pair is not grouped: %+v", groups)
	}
	if got := dmarc.Items; len(got) != 2 || got[1] != "cue-enemy-dmarc-b" {
		t.Errorf("dmarc group = %v, want the two planted items only", got)
	}
	if dmarc.Name != "enemy-dmarc" {
		t.Errorf("proposed name %q", dmarc.Name)
	}
	// Unrelated items (the other planted cues) are not enemies.
	if len(groups) != 1 {
		t.Errorf("groups = %+v, want only the planted pair", groups)
	}
	if g := EnemyGroups(loadFixture(t, "audit_clean.yaml"), DefaultEnemyThreshold); len(g) != 0 {
		t.Errorf("clean bank groups: %+v", g)
	}

	t.Run("Answers", func(t *testing.T) {
		a := &Item{ID: "scoring-basics", Type: Single, Stem: "Which practice ranks leads for sales?",
			Options: []Option{{Text: "Score leads on fit and engagement signals", Correct: true}, {Text: "Buy lists"}}}
		b := &Item{ID: "scoring-true", Type: TrueFalse, Stem: "Teams score leads on fit and engagement signals so sales calls the best first.",
			Options: []Option{{Text: "True", Correct: true}, {Text: "False"}}}
		c := &Item{ID: "spf", Type: Single, Stem: "Which DNS record lists permitted senders?",
			Options: []Option{{Text: "SPF", Correct: true}, {Text: "MX"}}}
		g := EnemyGroups([]*Item{a, b, c}, 0.99) // only the "answers" rule can link them
		if len(g) != 1 || len(g[0].Items) != 2 || g[0].Pairs[0].Kind != "answers" || g[0].Pairs[0].A != "scoring-true" {
			t.Fatalf("groups = %+v", g)
		}
		a.Group, b.Group = "scoring", "scoring" // already grouped: nothing to propose
		if g := EnemyGroups([]*Item{a, b, c}, 0.99); len(g) != 0 {
			t.Errorf("grouped pair proposed again: %+v", g)
		}
	})
}

func TestPassProbability(t *testing.T) {
	cues := loadFixture(t, "audit_cues.yaml")
	t.Run("Exact", func(t *testing.T) {
		// Every true/false item is keyed True: the guesser always passes;
		// chance passes when at least 4 of 5 coins come up right, 6/32.
		g, c, ok := PassProbability(itemsOfTier(cues, "tf"), TierForm{Blueprint: map[Domain]int{Concepts: 5}, PassPercent: 70}, 200, 7)
		if !ok || g != 1 || math.Abs(c-6.0/32) > 1e-12 {
			t.Errorf("guesser %v chance %v ok %v; want 1 and 0.1875", g, c, ok)
		}
	})
	t.Run("Seeded", func(t *testing.T) {
		pool := itemsOfTier(cues, "cues")
		form := TierForm{Blueprint: map[Domain]int{Concepts: 3, Tools: 2}, PassPercent: 60}
		g1, c1, ok := PassProbability(pool, form, 500, 42)
		g2, c2, _ := PassProbability(pool, form, 500, 42)
		if !ok || g1 != g2 || c1 != c2 {
			t.Errorf("same seed, different figures: %v %v / %v %v", g1, c1, g2, c2)
		}
		if g1 <= c1 {
			t.Errorf("guesser passes %.3f, chance %.3f: the cues should help", g1, c1)
		}
		if g3, _, _ := PassProbability(pool, form, 500, 43); g3 == g1 {
			t.Logf("seeds 42 and 43 agree (%.4f); possible but unlikely", g1)
		}
	})
	t.Run("Unfillable", func(t *testing.T) {
		if _, _, ok := PassProbability(itemsOfTier(cues, "tf"), TierForm{Blueprint: map[Domain]int{Concepts: 11}, PassPercent: 70}, 10, 1); ok {
			t.Error("a blueprint larger than the pool gave figures")
		}
	})
}

func TestAtLeast(t *testing.T) {
	for _, tc := range []struct {
		ps   []float64
		need int
		want float64
	}{
		{[]float64{0.5, 0.5}, 1, 0.75},
		{[]float64{0.5, 0.5}, 2, 0.25},
		{[]float64{1, 0, 0.5}, 2, 0.5},
		{[]float64{0.2}, 0, 1},
	} {
		if got := atLeast(tc.ps, tc.need); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("atLeast(%v, %d) = %v, want %v", tc.ps, tc.need, got, tc.want)
		}
	}
}

// TestAuditBlocksActivation: the audit's error (and only it) keeps an item
// from becoming active through the linter's activation check.
func TestAuditBlocksActivation(t *testing.T) {
	l := NewLinter(nil)
	for _, it := range loadFixture(t, "audit_cues.yaml") {
		it.Competency = ""
		err := l.ActivationCheck(it)
		if want := it.ID == "cue-key-giveaway"; (err != nil) != want {
			t.Errorf("%s: activation error %v, want blocked=%v", it.ID, err, want)
		}
	}
}

func TestAuditOnly(t *testing.T) {
	r := Audit(loadFixture(t, "audit_cues.yaml"), AuditOptions{Only: "tf", Forms: 10})
	var tiers []string
	for _, ta := range r.Tiers {
		tiers = append(tiers, ta.Tier)
	}
	sort.Strings(tiers)
	if len(tiers) != 1 || tiers[0] != "tf" {
		t.Errorf("tiers = %v, want [tf]", tiers)
	}
	for _, f := range r.Findings {
		if f.ItemID != "" && f.ItemID[:7] != "cue-tf-" {
			t.Errorf("finding on %s outside the tier", f.ItemID)
		}
	}
}
