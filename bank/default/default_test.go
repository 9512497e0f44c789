package defaultbank

import (
	"slices"

	"fmt"
	"github.com/mopscert/mopscert/exam"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

// forms is how many full forms without a repeated item each shipped tier
// must yield: a candidate has three attempts per window.
const forms = 3

func TestDefaultBank(t *testing.T) {
	items, err := Items()
	if err != nil {
		t.Fatal(err)
	}
	if len(items) < 360 {
		t.Errorf("default bank has %d items; want at least 360", len(items))
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

// TestDefaultBankForms builds, for every shipped tier, `forms` full forms
// that share no item and hold no two items of one enemy group: proof by
// construction that the bank can serve every attempt of a window. A greedy
// draw in file order may fail where a cleverer one would not, but when it
// succeeds the forms exist.
func TestDefaultBankForms(t *testing.T) {
	items, err := Items()
	if err != nil {
		t.Fatal(err)
	}
	for _, tier := range exam.DefaultTiers() {
		used := map[string]bool{}
		for f := 0; f < forms; f++ {
			groups := map[string]bool{}
			for _, d := range bank.Domains {
				need := tier.Blueprint[d]
				for i := range items {
					it := &items[i]
					if need == 0 {
						break
					}
					if used[it.ID] || it.Domain != d || !slices.Contains(it.Tiers, tier.Code) || (it.Group != "" && groups[it.Group]) {
						continue
					}
					used[it.ID] = true
					if it.Group != "" {
						groups[it.Group] = true
					}
					need--
				}
				if need > 0 {
					t.Errorf("tier %s, form %d: %d %s items short of the blueprint", tier.Code, f+1, need, d)
				}
			}
		}
	}
}
