package bank

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
)

// guesserMarginPoints: a tier whose active bank lets the cue-only guesser
// beat chance by more than this many percentage points gets a warning.
const guesserMarginPoints = 10

// AuditGuesserMargin is guesserMarginPoints for callers that word the
// guesser_above_chance finding themselves (the pages, per language).
const AuditGuesserMargin = guesserMarginPoints

// guessContext is what the guesser knows of a tier's habits: how many keys
// a multiple-answer item usually has, and which true/false key is commoner.
type guessContext struct {
	modalKeys int // 0 when the tier has no multiple-answer items
	tfLean    int // +1 True, -1 False, 0 balanced
}

func newGuessContext(items []*Item) guessContext {
	counts := map[int]int{}
	tf := 0
	for _, it := range items {
		switch it.Type {
		case Multiple:
			counts[len(it.Correct())]++
		case TrueFalse:
			tf += tfKey(it)
		}
	}
	g := guessContext{}
	g.modalKeys, _ = modalCount(counts)
	switch {
	case tf > 0:
		g.tfLean = 1
	case tf < 0:
		g.tfLean = -1
	}
	return g
}

// guessItem returns the probability that the cue-only guesser answers the
// item right, and that a uniform random answer is right. The guesser never
// reads for meaning; where its rules leave a tie it picks among the tied
// options at random, which is where the fractions come from.
//
//   - single: drop options with an absolute word (unless all have one),
//     then take the highest qualification score (hedges, joining words,
//     clause marks, process words, then length);
//   - multiple: as many options as the stem asks for, or the tier's modal
//     key count for "select all that apply"; ranked the same way;
//   - true/false: hedged → True, absolute → False, otherwise the tier's
//     commoner key, or a coin;
//   - numeric 0, ordering and matching 1/n!: nothing to read, so both the
//     guesser and chance guess.
func guessItem(it *Item, g guessContext) (guess, chance float64) {
	n := len(it.Options)
	switch it.Type {
	case Numeric:
		return 0, 0
	case Ordering, Matching:
		p := 1 / factorial(n)
		return p, p
	case TrueFalse:
		pred, _ := tfPrediction(it.Stem)
		if pred == 0 {
			pred = g.tfLean
		}
		switch {
		case pred == 0:
			return 0.5, 0.5
		case pred == tfKey(it):
			return 1, 0.5
		}
		return 0, 0.5
	}
	if n == 0 {
		return 0, 0
	}
	stemWords := wordsOf(it.Stem)
	scores := make([]float64, n)
	anyPlain := false
	cues := make([]optionCue, n)
	for i, o := range it.Options {
		cues[i] = readOption(o.Text, stemWords)
		anyPlain = anyPlain || cues[i].absolute == ""
	}
	for i, c := range cues {
		scores[i] = c.qualified
		if anyPlain && c.absolute != "" {
			scores[i] -= 1000 // ruled out first
		}
	}
	k := 1
	if it.Type == Multiple {
		stated, said := statedCount(it.Stem)
		switch {
		case said && stated > 0:
			k = stated
			chance = 1 / binom(n, k)
		default:
			k = max(1, min(n, g.modalKeys))
			chance = 1 / (math.Pow(2, float64(n)) - 1)
		}
	} else {
		chance = 1 / float64(n)
	}
	return pickTopK(scores, it.Options, k), chance
}

// pickTopK is the probability that taking the k best-scored options, ties
// at the boundary broken at random, yields exactly the set of keys.
func pickTopK(scores []float64, opts []Option, k int) float64 {
	keys := 0
	for _, o := range opts {
		if o.Correct {
			keys++
		}
	}
	if keys != k {
		return 0
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return scores[order[a]] > scores[order[b]] })
	cut := scores[order[k-1]]
	const eps = 1e-9
	above, tied, tiedKeys := 0, 0, 0
	for i, s := range scores {
		switch {
		case s > cut+eps:
			if !opts[i].Correct {
				return 0 // a sure pick is wrong
			}
			above++
		case s > cut-eps:
			tied++
			if opts[i].Correct {
				tiedKeys++
			}
		}
	}
	need := k - above
	if tiedKeys != need {
		return 0
	}
	return 1 / binom(tied, need)
}

func factorial(n int) float64 {
	f := 1.0
	for i := 2; i <= n; i++ {
		f *= float64(i)
	}
	return f
}

func binom(n, k int) float64 {
	if k < 0 || k > n {
		return math.Inf(1)
	}
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// GuesserScore is the cue-only guesser's and chance's expected percent
// correct over the given items, which should be one tier's active items.
func GuesserScore(items []*Item) (guess, chance float64) {
	if len(items) == 0 {
		return 0, 0
	}
	g := newGuessContext(items)
	for _, it := range items {
		pg, pc := guessItem(it, g)
		guess += pg
		chance += pc
	}
	n := float64(len(items))
	return 100 * guess / n, 100 * chance / n
}

// scoreTier scores the guesser on a tier's active items and, when the tier
// has a blueprint the pool can fill, simulates forms for the zero-knowledge
// pass probabilities.
func scoreTier(tier string, items []*Item, form TierForm, opt AuditOptions) TierAudit {
	ta := TierAudit{Tier: tier, Items: len(items), GuesserPass: -1, ChancePass: -1, PassPercent: form.PassPercent}
	ta.GuesserScore, ta.ChanceScore = GuesserScore(items)
	if p, c, ok := PassProbability(items, form, opt.Forms, seedFor(opt.Seed, tier)); ok {
		ta.GuesserPass, ta.ChancePass, ta.Forms = p, c, opt.Forms
	}
	return ta
}

// seedFor gives each tier its own stream, so adding a tier does not change
// another tier's figures.
func seedFor(seed uint64, tier string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(tier))
	return seed ^ h.Sum64()
}

// PassProbability draws forms at random from items (one tier's active
// items) to the blueprint, and returns the share of forms on which the
// guesser, and a uniform random answerer, would reach the pass mark. Within
// a form the chance of passing is exact (the score is a sum of independent
// Bernoulli outcomes); the forms are the simulation. ok is false when the
// blueprint is empty or the pool cannot fill it. The same seed gives the
// same figures.
func PassProbability(items []*Item, form TierForm, forms int, seed uint64) (guess, chance float64, ok bool) {
	total := 0
	for _, n := range form.Blueprint {
		total += n
	}
	if total == 0 || forms <= 0 {
		return 0, 0, false
	}
	g := newGuessContext(items)
	pools := map[Domain][][2]float64{}
	for _, it := range items {
		pg, pc := guessItem(it, g)
		pools[it.Domain] = append(pools[it.Domain], [2]float64{pg, pc})
	}
	// Domains in a fixed order, so the draw does not depend on map order.
	var doms []Domain
	for _, d := range Domains {
		if form.Blueprint[d] > 0 {
			doms = append(doms, d)
		}
	}
	for d, n := range form.Blueprint {
		if n > 0 && !d.Valid() {
			return 0, 0, false
		}
	}
	for _, d := range doms {
		if len(pools[d]) < form.Blueprint[d] {
			return 0, 0, false
		}
	}
	need := int(math.Ceil(float64(form.PassPercent*total)/100 - 1e-9))
	rng := rand.New(rand.NewPCG(seed, seed>>1|1))
	pg := make([]float64, 0, total)
	pc := make([]float64, 0, total)
	idx := map[Domain][]int{}
	for _, d := range doms {
		idx[d] = make([]int, len(pools[d]))
	}
	for f := 0; f < forms; f++ {
		pg, pc = pg[:0], pc[:0]
		for _, d := range doms {
			ix := idx[d]
			for i := range ix {
				ix[i] = i
			}
			for i := 0; i < form.Blueprint[d]; i++ { // partial Fisher–Yates
				j := i + rng.IntN(len(ix)-i)
				ix[i], ix[j] = ix[j], ix[i]
				pg = append(pg, pools[d][ix[i]][0])
				pc = append(pc, pools[d][ix[i]][1])
			}
		}
		guess += atLeast(pg, need)
		chance += atLeast(pc, need)
	}
	return guess / float64(forms), chance / float64(forms), true
}

// atLeast is P(at least need successes) for independent trials with the
// given success probabilities (the Poisson-binomial tail, by dynamic
// programming).
func atLeast(ps []float64, need int) float64 {
	if need <= 0 {
		return 1
	}
	dist := make([]float64, len(ps)+1)
	dist[0] = 1
	for i, p := range ps {
		for k := i + 1; k >= 1; k-- {
			dist[k] = dist[k]*(1-p) + dist[k-1]*p
		}
		dist[0] *= 1 - p
	}
	s := 0.0
	for k := need; k < len(dist); k++ {
		s += dist[k]
	}
	return s
}

func guesserFinding(ta TierAudit) AuditFinding {
	ev := fmt.Sprintf("guesser %.1f %% against chance %.1f %% on %d active items", ta.GuesserScore, ta.ChanceScore, ta.Items)
	if ta.GuesserPass >= 0 {
		ev += fmt.Sprintf("; passes %.1f %% of %d simulated forms at %d %%", 100*ta.GuesserPass, ta.Forms, ta.PassPercent)
	}
	return AuditFinding{Tier: ta.Tier, Rule: AuditGuesserAboveChance, Severity: SeverityWarning,
		Message:  fmt.Sprintf("A test-wise outsider who reads only the wording of the options beats chance by more than %d points on this tier's active items: the items reward test-wiseness, not knowledge of marketing operations. Fix the cues listed for its items before relying on its scores.", guesserMarginPoints),
		Evidence: ev}
}
