package defaultbank

import (
	"sort"
	"testing"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam"
)

// TestDefaultBankAudit keeps the shipped bank audit-clean: no finding of
// any severity (English and German text), a competency on every active item
// (strict lint), and a test-wise guesser at most 10 points above chance on
// every tier with a zero-knowledge pass probability under 0.1 % (issue 11).
func TestDefaultBankAudit(t *testing.T) {
	items, err := Items()
	if err != nil {
		t.Fatal(err)
	}
	ptrs := make([]*bank.Item, len(items))
	for i := range items {
		items[i].Normalize()
		ptrs[i] = &items[i]
	}
	r := bank.Audit(ptrs, bank.AuditOptions{Tiers: exam.AuditForms(exam.DefaultTiers()), Forms: 2000, Seed: 1})
	for _, ta := range r.Tiers {
		t.Logf("tier %-12s %3d items: guesser %.1f %%, chance %.1f %%, zero-knowledge pass %.1f %% (chance %.4f %%) over %d forms",
			ta.Tier, ta.Items, ta.GuesserScore, ta.ChanceScore, 100*ta.GuesserPass, 100*ta.ChancePass, ta.Forms)
		if ta.GuesserScore > ta.ChanceScore+10 {
			t.Errorf("tier %s: the cue guesser scores %.1f %%, more than 10 points above chance (%.1f %%)", ta.Tier, ta.GuesserScore, ta.ChanceScore)
		}
		if ta.GuesserPass >= 0.001 {
			t.Errorf("tier %s: zero-knowledge pass probability %.2f %%, want under 0.1 %%", ta.Tier, 100*ta.GuesserPass)
		}
	}
	counts := r.CountByRule()
	rules := make([]string, 0, len(counts))
	for k := range counts {
		rules = append(rules, k)
	}
	sort.Strings(rules)
	for _, k := range rules {
		t.Logf("%-26s %d", k, counts[k])
	}
	for _, f := range r.Findings {
		t.Errorf("%s%s: %s %s: %s (%s)", f.ItemID, f.Tier, f.Severity, f.Rule, f.Message, f.Evidence)
	}
	l := bank.NewLinter(nil)
	l.Strict = true
	for id, fs := range l.Bank(ptrs) {
		for _, f := range fs {
			t.Errorf("strict lint: item %s: %s %s: %s", id, f.Severity, f.Rule, f.Message)
		}
	}
}
