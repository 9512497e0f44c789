package exam

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
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
	Enemies   bool // Available counts one item per enemy group
	Across    bool // enemy groups spanning domains are the obstacle
}

// missingList describes the domains a pool cannot fill.
type missingList []missing

func (m missingList) String() string {
	parts := make([]string, len(m))
	for i, x := range m {
		switch {
		case x.Across:
			parts[i] = "enemy groups shared between domains leave no form that meets the blueprint; give some of those items other groups or add items"
		case x.Enemies:
			parts[i] = fmt.Sprintf("%s has %d %s that may stand on one form (one per enemy group), %d needed",
				x.Domain, x.Available, plural(x.Available, "item", "items"), x.Needed)
		default:
			parts[i] = fmt.Sprintf("%s has %d active items, %d needed", x.Domain, x.Available, x.Needed)
		}
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

// draw picks the blueprint's items from pool. Within each domain it
// prefers, in this order: items not in seen (the candidate's earlier
// attempts at the tier), then items drawn least recently (lastDrawn: item id
// -> when it was last put on any form; absent means never), by a weighted
// random draw rather than a strict rotation, so two candidates starting at
// the same moment still get different forms. It never puts two items of one
// enemy group on a form. It returns the picks in question order (shuffled),
// or what the pool cannot fill.
func draw(pool []bank.PoolEntry, bp Blueprint, seen map[string]bool, lastDrawn map[string]int64, seed int64) ([]bank.PoolEntry, missingList) {
	if short := shortfall(pool, bp); len(short) > 0 {
		return nil, short
	}
	sorted := make([]bank.PoolEntry, len(pool))
	copy(sorted, pool)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	by := map[bank.Domain][]bank.PoolEntry{}
	for _, e := range sorted {
		by[e.Domain] = append(by[e.Domain], e)
	}
	domains := blueprintDomains(bp)
	r := newRNG(seed)
	// A greedy pass fails only when enemy groups spanning domains leave a
	// later domain short; a few more passes with fresh random keys and the
	// domains in another order settle almost every bank that can be filled.
	for try := 0; try < 8; try++ {
		picks, ok := drawOnce(r, by, domains, bp, seen, lastDrawn)
		if ok {
			r.shuffle(len(picks), func(i, j int) { picks[i], picks[j] = picks[j], picks[i] })
			return picks, nil
		}
		r.shuffle(len(domains), func(i, j int) { domains[i], domains[j] = domains[j], domains[i] })
	}
	return nil, enemyShortfall(by, bp)
}

// drawOnce is one greedy pass of draw.
func drawOnce(r *rng, by map[bank.Domain][]bank.PoolEntry, domains []bank.Domain, bp Blueprint,
	seen map[string]bool, lastDrawn map[string]int64) ([]bank.PoolEntry, bool) {
	usedGroup := map[string]bool{}
	picks := make([]bank.PoolEntry, 0, bp.Total())
	for _, d := range domains {
		need := bp[d]
		for _, e := range preferenceOrder(r, by[d], seen, lastDrawn) {
			if need == 0 {
				break
			}
			if e.Group != "" {
				if usedGroup[e.Group] {
					continue
				}
				usedGroup[e.Group] = true
			}
			picks = append(picks, e)
			need--
		}
		if need > 0 {
			return nil, false
		}
	}
	return picks, true
}

// preferenceOrder sorts a domain's entries: unseen before seen, and within
// each, by a weighted random key (Efraimidis–Spirakis: log(u)/w, largest
// first) whose weight w grows with the time since the item was last drawn.
// An item never drawn has w = 1; one drawn on the newest form has w = 1/n;
// in between w = (1 + the number of items drawn more recently) / n. The most
// recently used items are therefore rarely taken while older ones remain,
// yet nothing is starved or forced: a new item is likely on the next form,
// not on every form until its count catches up, as a strict least-drawn
// rule would do.
func preferenceOrder(r *rng, es []bank.PoolEntry, seen map[string]bool, lastDrawn map[string]int64) []bank.PoolEntry {
	n := len(es)
	// Small records sorted by index, not the entries themselves: a draw
	// from a 10,000-item bank sorts thousands of them per domain.
	type keyed struct {
		i    int32
		old  bool
		last int64
		key  float64
	}
	ks := make([]keyed, n)
	var byLast []int64
	for i, e := range es {
		last, drawn := lastDrawn[e.ID]
		if !drawn {
			last = math.MinInt64
		} else {
			byLast = append(byLast, last)
		}
		ks[i] = keyed{i: int32(i), old: seen[e.ID], last: last}
	}
	// Recency rank: how many items were drawn strictly more recently.
	slices.SortFunc(byLast, func(a, b int64) int { return cmp.Compare(b, a) })
	for i := range ks {
		w := 1.0
		if ks[i].last != math.MinInt64 {
			newer, _ := slices.BinarySearchFunc(byLast, ks[i].last, func(e, t int64) int { return cmp.Compare(t, e) })
			w = float64(newer+1) / float64(n)
		}
		u := (float64(r.src.Uint64()>>11) + 0.5) / (1 << 53) // in (0, 1)
		ks[i].key = math.Log(u) / w
	}
	// Keys are distinct in practice; the id breaks a tie so the order never
	// depends on the sort algorithm.
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.old != b.old {
			if a.old {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(b.key, a.key); c != 0 {
			return c
		}
		return strings.Compare(es[a.i].ID, es[b.i].ID)
	})
	out := make([]bank.PoolEntry, n)
	for j, k := range ks {
		out[j] = es[k.i]
	}
	return out
}

// enemyShortfall explains a pool that has enough items but not enough that
// may stand together: per domain, at most one item of each enemy group.
func enemyShortfall(by map[bank.Domain][]bank.PoolEntry, bp Blueprint) missingList {
	var out missingList
	for _, d := range blueprintDomains(bp) {
		groups := map[string]bool{}
		usable := 0
		for _, e := range by[d] {
			if e.Group == "" || !groups[e.Group] {
				usable++
			}
			if e.Group != "" {
				groups[e.Group] = true
			}
		}
		if usable < bp[d] {
			out = append(out, missing{Domain: d, Available: usable, Needed: bp[d], Enemies: true})
		}
	}
	if len(out) == 0 {
		// Every domain could be filled alone; groups shared across domains
		// are what the passes could not untangle.
		for _, d := range blueprintDomains(bp) {
			out = append(out, missing{Domain: d, Available: len(by[d]), Needed: bp[d], Enemies: true, Across: true})
			break
		}
	}
	return out
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

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
