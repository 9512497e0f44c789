package bank

import "testing"

// BenchmarkAudit1k: every audit rule, the guesser with 1,000 simulated
// forms per tier, and enemy detection over 1,000 items.
func BenchmarkAudit1k(b *testing.B) {
	items := lintSyntheticBank(1000, 3)
	forms := map[string]TierForm{}
	for _, it := range items {
		for _, t := range it.Tiers {
			forms[t] = TierForm{Blueprint: map[Domain]int{Concepts: 4, Tools: 3, SoftSkills: 3}, PassPercent: 70}
		}
	}
	b.ResetTimer()
	for range b.N {
		Audit(items, AuditOptions{Tiers: forms, Forms: 1000})
	}
}
