package exam

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/mopscert/mopscert/bank"
)

// Form assembly. A form is drawn once, at start, from the tier's active
// items: exactly the blueprint's count per domain, no item twice. The draw
// is a pure function of (pool, blueprint, items already seen, seed): the pool
// is sorted by id first, and the random numbers come from a PCG generator
// and our own bounded-integer and shuffle code, whose output does not depend
// on the Go release. The stored seed therefore reproduces the form for a
// given pool, which is what an audit needs.

// rng is a seeded source of uniform integers.
type rng struct{ src *rand.PCG }

func newRNG(seed int64) *rng {
	s := uint64(seed)
	return &rng{src: rand.NewPCG(s, s^0x9e3779b97f4a7c15)}
}

// intn returns a uniform integer in [0, n) by rejection sampling, so no
// value is favoured however large n is.
func (r *rng) intn(n int) int {
	if n <= 1 {
		return 0
	}
	max := uint64(n)
	limit := math.MaxUint64 - math.MaxUint64%max
	for {
		if v := r.src.Uint64(); v < limit {
			return int(v % max)
		}
	}
}

// shuffle is Fisher-Yates over n elements.
func (r *rng) shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, r.intn(i+1))
	}
}

// missing is one domain the pool cannot fill.
type missing struct {
	Domain    bank.Domain
	Available int
	Needed    int
}

// missingList describes the domains a pool cannot fill.
type missingList []missing

func (m missingList) String() string {
	parts := make([]string, len(m))
	for i, x := range m {
		parts[i] = fmt.Sprintf("%s has %d active items, %d needed", x.Domain, x.Available, x.Needed)
	}
	return strings.Join(parts, "; ")
}

// shortfall lists, in domain order, the domains of bp the pool cannot fill.
func shortfall(pool []bank.PoolEntry, bp Blueprint) missingList {
	have := map[bank.Domain]int{}
	for _, e := range pool {
		have[e.Domain]++
	}
	var out missingList
	for _, d := range blueprintDomains(bp) {
		if need := bp[d]; need > have[d] {
			out = append(out, missing{Domain: d, Available: have[d], Needed: need})
		}
	}
	return out
}

// blueprintDomains lists bp's domains in a fixed order: the known domains
// first, in display order, then any other, sorted.
func blueprintDomains(bp Blueprint) []bank.Domain {
	out := make([]bank.Domain, 0, len(bp))
	known := map[bank.Domain]bool{}
	for _, d := range bank.Domains {
		known[d] = true
		if bp[d] > 0 {
			out = append(out, d)
		}
	}
	var other []bank.Domain
	for d, n := range bp {
		if !known[d] && n > 0 {
			other = append(other, d)
		}
	}
	sort.Slice(other, func(i, j int) bool { return other[i] < other[j] })
	return append(out, other...)
}

// draw picks the blueprint's items from pool, preferring items not in seen
// (the candidate's earlier attempts at the tier) and topping up with seen
// ones when a domain has too few unseen items. It returns the picks in
// question order (shuffled), or the shortfall when the pool cannot fill bp.
func draw(pool []bank.PoolEntry, bp Blueprint, seen map[string]bool, seed int64) ([]bank.PoolEntry, missingList) {
	if short := shortfall(pool, bp); len(short) > 0 {
		return nil, short
	}
	sorted := make([]bank.PoolEntry, len(pool))
	copy(sorted, pool)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })

	type split struct{ fresh, old []bank.PoolEntry }
	by := map[bank.Domain]*split{}
	for _, e := range sorted {
		s := by[e.Domain]
		if s == nil {
			s = &split{}
			by[e.Domain] = s
		}
		if seen[e.ID] {
			s.old = append(s.old, e)
		} else {
			s.fresh = append(s.fresh, e)
		}
	}
	r := newRNG(seed)
	picks := make([]bank.PoolEntry, 0, bp.Total())
	for _, d := range blueprintDomains(bp) {
		s, need := by[d], bp[d]
		picks = append(picks, choose(r, s.fresh, need)...)
		if rest := need - len(s.fresh); rest > 0 {
			picks = append(picks, choose(r, s.old, rest)...)
		}
	}
	r.shuffle(len(picks), func(i, j int) { picks[i], picks[j] = picks[j], picks[i] })
	return picks, nil
}

// choose returns k elements of from (all of them when k ≥ len(from)) by a
// partial Fisher-Yates shuffle; from is reordered.
func choose(r *rng, from []bank.PoolEntry, k int) []bank.PoolEntry {
	if k >= len(from) {
		return from
	}
	for i := 0; i < k; i++ {
		j := i + r.intn(len(from)-i)
		from[i], from[j] = from[j], from[i]
	}
	return from[:k]
}

// optionOrder returns the displayed order of an item's options as authored
// indexes. Options are shuffled per attempt, except true/false, which always
// shows True first: a shuffled True/False only confuses, and its order
// reveals nothing. An ordering item's options are authored in the correct
// order, so its shuffle is never the identity: a candidate must never be
// shown the answer and score by leaving it alone.
func optionOrder(r *rng, it *bank.Item) []int {
	order := make([]int, len(it.Options))
	for i := range order {
		order[i] = i
	}
	if it.Type == bank.TrueFalse {
		if len(order) == 2 && strings.EqualFold(it.Options[1].Text, "true") {
			order[0], order[1] = 1, 0
		}
		return order
	}
	r.shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	// Shuffling again until the order moves (at worst 1 in 6 times, for 3
	// options) keeps every other order equally likely.
	for it.Type == bank.Ordering && len(order) > 1 && isIdentity(order) {
		r.shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	return order
}

// matchOrder is a matching item's answer list order, shuffled on its own
// stream of the generator, so the answers' positions say nothing about the
// prompts' positions; nil for other types.
func matchOrder(r *rng, it *bank.Item) []int {
	if it.Type != bank.Matching {
		return nil
	}
	order := make([]int, len(it.Options))
	for i := range order {
		order[i] = i
	}
	r.shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	return order
}

func isIdentity(order []int) bool {
	for i, v := range order {
		if v != i {
			return false
		}
	}
	return true
}

// optionID is the id of the option displayed at position p: "a", "b", …
func optionID(p int) string { return string(rune('a' + p)) }

// optionIndex is the displayed position of option id, or -1.
func optionIndex(id string, n int) int {
	if len(id) != 1 || id[0] < 'a' || int(id[0]-'a') >= n {
		return -1
	}
	return int(id[0] - 'a')
}
