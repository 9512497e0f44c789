package defaultbank

import (
	"fmt"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

// minimum per tier and domain: twice the blueprint, so each tier can draw two
// forms without repeating an item.
var minimum = map[string]map[bank.Domain]int{
	"foundation":   {bank.Concepts: 24, bank.Tools: 20, bank.SoftSkills: 16},
	"practitioner": {bank.Concepts: 30, bank.Tools: 30, bank.SoftSkills: 20},
	"leader":       {bank.Concepts: 28, bank.Tools: 24, bank.SoftSkills: 28},
}

func TestDefaultBank(t *testing.T) {
	items, err := Items()
	if err != nil {
		t.Fatal(err)
	}
	if len(items) < 240 {
		t.Errorf("default bank has %d items; want at least 240", len(items))
	}
	ids := map[string]bool{}
	count := map[string]map[bank.Domain]int{}
	for i := range items {
		it := items[i]
		it.Normalize()
		if err := it.Validate(); err != nil {
			t.Errorf("item %s: %v", it.ID, err)
		}
		if it.ID == "" || ids[it.ID] {
			t.Errorf("item %d: id %q is empty or repeated", i, it.ID)
		}
		ids[it.ID] = true
		if it.Status != bank.Active {
			t.Errorf("item %s: status %s; shipped items are active", it.ID, it.Status)
		}
		if it.Rationale == "" || it.Source == "" || it.Topic == "" {
			t.Errorf("item %s: needs topic, rationale and source", it.ID)
		}
		for _, tier := range it.Tiers {
			if count[tier] == nil {
				count[tier] = map[bank.Domain]int{}
			}
			count[tier][it.Domain]++
		}
	}
	for tier, doms := range minimum {
		for d, min := range doms {
			if got := count[tier][d]; got < min {
				t.Errorf("tier %s, domain %s: %d active items; want at least %d", tier, d, got, min)
			}
		}
	}
	t.Log(fmt.Sprint("items per tier and domain: ", count))

	// The shipped bank passes the whole lint (vendor names included) with
	// no errors and no warnings.
	ptrs := make([]*bank.Item, len(items))
	for i := range items {
		ptrs[i] = &items[i]
	}
	for id, fs := range bank.NewLinter(nil).Bank(ptrs) {
		for _, f := range fs {
			t.Errorf("item %s: %s %s: %s", id, f.Severity, f.Rule, f.Message)
		}
	}
}
