package exam

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/bank"
	bankdefault "github.com/mopscert/mopscert/bank/default"
)

// groupedPool is testPool with every third item of a domain in an enemy
// group of three (so a domain of n items has about n/3 × 2 + … usable),
// and one group spanning two domains.
func groupedPool(n map[bank.Domain]int) []bank.PoolEntry {
	pool := testPool(n)
	for i := range pool {
		e := &pool[i]
		var k int
		fmt.Sscanf(e.ID[strings.LastIndexByte(e.ID, '-')+1:], "%d", &k)
		if k%2 == 0 {
			e.Group = fmt.Sprintf("%s-g%d", e.Domain, k/6)
		}
		if k == 1 {
			e.Group = "cross-domain"
		}
	}
	return pool
}

// TestDrawEnemyGroupsProperty: over many seeds, with and without exposure
// history and seen items, a form meets the blueprint exactly, holds no item
// twice and never two items of one enemy group.
func TestDrawEnemyGroupsProperty(t *testing.T) {
	pool := groupedPool(map[bank.Domain]int{bank.Concepts: 40, bank.Tools: 36, bank.SoftSkills: 30})
	group := map[string]string{}
	for _, e := range pool {
		group[e.ID] = e.Group
	}
	for _, tier := range DefaultTiers() {
		t.Run(tier.Code, func(t *testing.T) {
			last := map[string]int64{}
			seen := map[string]bool{}
			for seed := int64(0); seed < 300; seed++ {
				var s map[string]bool
				if seed%3 == 0 {
					s = seen
				}
				picks, short := draw(pool, tier.Blueprint, s, last, seed)
				if len(short) > 0 {
					t.Fatalf("seed %d: short %v", seed, short)
				}
				per := map[bank.Domain]int{}
				ids, groups := map[string]bool{}, map[string]string{}
				for _, p := range picks {
					if ids[p.ID] {
						t.Fatalf("seed %d: %s twice", seed, p.ID)
					}
					ids[p.ID] = true
					per[p.Domain]++
					if g := group[p.ID]; g != "" {
						if other, dup := groups[g]; dup {
							t.Fatalf("seed %d: enemies %s and %s (group %s) on one form", seed, other, p.ID, g)
						}
						groups[g] = p.ID
					}
					last[p.ID] = seed + 1
					seen[p.ID] = seed%5 == 0
				}
				for d, want := range tier.Blueprint {
					if per[d] != want {
						t.Fatalf("seed %d: %s has %d items, want %d", seed, d, per[d], want)
					}
				}
			}
		})
	}
}

func TestDrawEnemyShortfall(t *testing.T) {
	bp := Blueprint{bank.Concepts: 3, bank.Tools: 1}
	pool := []bank.PoolEntry{
		{ID: "c1", Domain: bank.Concepts, Group: "g"}, {ID: "c2", Domain: bank.Concepts, Group: "g"},
		{ID: "c3", Domain: bank.Concepts}, {ID: "c4", Domain: bank.Concepts, Group: "g"},
		{ID: "t1", Domain: bank.Tools},
	}
	picks, short := draw(pool, bp, nil, nil, 1)
	if picks != nil {
		t.Fatalf("drew %v from a pool enemies cannot fill", ids(picks))
	}
	if got, want := short.String(), "concepts has 2 items that may stand on one form (one per enemy group), 3 needed"; got != want {
		t.Errorf("short = %q, want %q", got, want)
	}

	// Each domain alone is fine, but the only tools item shares a group
	// with both usable concepts items.
	pool = []bank.PoolEntry{
		{ID: "c1", Domain: bank.Concepts, Group: "x"}, {ID: "c2", Domain: bank.Concepts, Group: "y"},
		{ID: "t1", Domain: bank.Tools, Group: "x"},
	}
	bp = Blueprint{bank.Concepts: 2, bank.Tools: 1}
	if _, short := draw(pool, bp, nil, nil, 1); !strings.Contains(short.String(), "enemy groups shared between domains") {
		t.Errorf("short = %q, want the cross-domain explanation", short.String())
	}
}

// TestDrawPrefersLeastRecent: with exposure history, a form takes the items
// drawn longest ago (or never) far more often than those just drawn.
func TestDrawPrefersLeastRecent(t *testing.T) {
	bp := Blueprint{bank.Concepts: 10}
	pool := testPool(map[bank.Domain]int{bank.Concepts: 40})
	first, _ := draw(pool, bp, nil, nil, 1)
	last := map[string]int64{}
	for _, e := range first {
		last[e.ID] = 100
	}
	reused := 0
	for seed := int64(2); seed < 202; seed++ {
		next, _ := draw(pool, bp, nil, last, seed)
		for _, e := range next {
			if last[e.ID] == 100 {
				reused++
			}
		}
	}
	// Without exposure control a form shares 10 × 10/40 = 2.5 items with
	// the last one on average; with it, the just-drawn items weigh 1/40.
	if mean := float64(reused) / 200; mean > 0.5 {
		t.Errorf("a form repeats %.2f items of the one before on average, want < 0.5", mean)
	}
}

// TestStartExposureRecorded: through the service, every start counts the
// items it drew.
func TestStartExposureRecorded(t *testing.T) {
	e := newEnv(t)
	e.fill("mini", 4) // 8 concepts, 8 tools, 4 soft skills
	e.start(e.addUser("u1", "Ann"), "mini")
	e.start(e.addUser("u2", "Bob"), "mini")
	if got := e.count(`SELECT count(*) FROM item_exposure`); got < 8 {
		t.Errorf("%d exposure rows after two forms of 5, want at least 8", got)
	}
	if got := e.count(`SELECT coalesce(sum(draws), 0) FROM item_exposure`); got != 10 {
		t.Errorf("%d draws recorded, want 10", got)
	}
}

// TestOverlapDefaultBank prints how much forms of the shipped bank overlap
// (go test ./exam/ -run TestOverlapDefaultBank -v) and checks the exposure
// control makes successive forms overlap less than random ones.
func TestOverlapDefaultBank(t *testing.T) {
	items, err := bankdefault.Items()
	if err != nil {
		t.Fatal(err)
	}
	for _, tier := range DefaultTiers() {
		var pool []bank.PoolEntry
		for _, it := range items {
			if it.Status != bank.Active {
				continue
			}
			for _, c := range it.Tiers {
				if c == tier.Code {
					pool = append(pool, bank.PoolEntry{ID: it.ID, Version: 1, Domain: it.Domain, Group: it.Group})
				}
			}
		}
		r := OverlapReport(pool, tier.Blueprint, 200, 1)
		t.Logf("%s: pool %d, form %d: two random forms share %.2f items (%.1f %%); successive forms share %.2f; %d disjoint forms in a row (at most %d)",
			tier.Code, len(pool), r.Questions, r.Random, 100*r.Random/float64(r.Questions), r.Successive, r.Disjoint, r.MaxDisjoint)
		if r.Questions == 0 || r.Successive >= r.Random {
			t.Errorf("%s: successive forms share %.2f items, random ones %.2f: exposure control does nothing", tier.Code, r.Successive, r.Random)
		}
	}
}

// BenchmarkDraw10k is the draw alone from a 10,000-item pool with a full
// exposure history: the part of a start that exposure control adds to.
func BenchmarkDraw10k(b *testing.B) {
	pool := groupedPool(map[bank.Domain]int{bank.Concepts: 3400, bank.Tools: 3300, bank.SoftSkills: 3300})
	last := map[string]int64{}
	for i, e := range pool {
		last[e.ID] = int64(i % 997)
	}
	bp := DefaultTiers()[0].Blueprint
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, short := draw(pool, bp, nil, last, int64(i)); len(short) > 0 {
			b.Fatal(short)
		}
	}
}

// TestStartEnemiesTooThin: a tier whose concepts items all share one enemy
// group cannot start, and says why.
func TestStartEnemiesTooThin(t *testing.T) {
	e := newEnv(t)
	e.addItems("mini", bank.Tools, 2)
	e.addItems("mini", bank.SoftSkills, 1)
	for i := 0; i < 3; i++ {
		it := testItem(fmt.Sprintf("mini-enemy-%d", i), "mini", bank.Concepts, i)
		it.Group = "same-fact"
		if err := e.bank.CreateItem(context.Background(), it, "test"); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.svc.Start(context.Background(), e.addUser("u1", "Ann"), "", "mini")
	ae := wantErr(t, err, ErrTierUnavailable)
	if !strings.Contains(ae.Message, "concepts has 1 item that may stand on one form (one per enemy group), 2 needed") {
		t.Errorf("message = %q", ae.Message)
	}
}
