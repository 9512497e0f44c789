package exam

import "github.com/mopscert/mopscert/bank"

// AuditForms gives the test-wiseness audit what it needs of each tier to
// simulate forms (bank does not import exam).
func AuditForms(tiers []Tier) map[string]bank.TierForm {
	out := make(map[string]bank.TierForm, len(tiers))
	for _, t := range tiers {
		bp := make(map[bank.Domain]int, len(t.Blueprint))
		for d, n := range t.Blueprint {
			bp[d] = n
		}
		out[t.Code] = bank.TierForm{Blueprint: bp, PassPercent: t.PassPercent}
	}
	return out
}
