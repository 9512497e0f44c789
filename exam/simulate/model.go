// Package simulate sits synthetic candidates through the real exam service
// (start, autosave, submit, in process) with responses drawn from an item
// response model, so statistics, flags and the bank policy can be tried on
// data whose truth is known.
package simulate

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mopscert/mopscert/bank"
)

// ItemParams is how one item behaves.
type ItemParams struct {
	// Difficulty b and Discrimination a of the 2PL model
	// P(right | θ) = 1/(1+e^(−a(θ−b))); a = 0 means 1.7 (the normal-ogive
	// scaling, typical of a sound item).
	Difficulty, Discrimination float64
	// Miskey: the keyed option is wrong. The able pick the real answer (a
	// distractor) with the model's probability; the keyed option draws the
	// others, so it is chosen more by the weak.
	Miskey bool
	// Giveaway: every candidate answers right (a clue in the stem).
	Giveaway bool
	// Unused: authored option indexes nobody picks.
	Unused []int
	// From the ShiftAt share of candidates on (0 < ShiftAt < 1), the
	// difficulty is ShiftTo: an item that leaked or whose topic changed.
	ShiftAt, ShiftTo float64
}

// Model gives every item its parameters: Items overrides by item id; other
// items get HashDifficulty of their id.
type Model struct {
	Items map[string]ItemParams
	// Variants overrides an item's parameters in one language, keyed by
	// item id, then language: a translation that asks a harder question.
	Variants map[string]map[string]ItemParams
}

// Params returns the parameters of an item.
func (m Model) Params(it *bank.Item) ItemParams {
	if p, ok := m.Items[it.ID]; ok {
		return p
	}
	return ItemParams{Difficulty: HashDifficulty(it.ID)}
}

// ParamsIn returns the parameters of an item delivered in lang.
func (m Model) ParamsIn(it *bank.Item, lang string) ItemParams {
	if p, ok := m.Variants[it.ID][lang]; ok {
		return p
	}
	return m.Params(it)
}

// HashDifficulty is a deterministic difficulty in [−1.5, 1.5] from an item
// id, so repeated simulations of one bank agree.
func HashDifficulty(id string) float64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return float64(h.Sum64()%3001)/1000 - 1.5
}

// pRight is the model's probability of a right answer at ability theta for
// the share-th candidate (0..1).
func (p ItemParams) pRight(theta, share float64) float64 {
	if p.Giveaway {
		return 1
	}
	a, b := p.Discrimination, p.Difficulty
	if a == 0 {
		a = 1.7
	}
	if p.ShiftAt > 0 && share >= p.ShiftAt {
		b = p.ShiftTo
	}
	return 1 / (1 + math.Exp(-a*(theta-b)))
}

// Right draws whether a candidate of ability theta answers right, for the
// types answered as a whole (numeric, ordering, matching).
func (p ItemParams) Right(r *rand.Rand, theta, share float64) bool {
	return r.Float64() < p.pRight(theta, share)
}

// Respond draws the authored option indexes a candidate of ability theta
// chooses on item it.
func (p ItemParams) Respond(r *rand.Rand, it *bank.Item, theta, share float64) []int {
	key := it.Correct()
	var wrong []int
	for i, o := range it.Options {
		if !o.Correct && !slices.Contains(p.Unused, i) {
			wrong = append(wrong, i)
		}
	}
	right := r.Float64() < p.pRight(theta, share)
	if p.Miskey && len(wrong) > 0 {
		// The real answer is the first distractor; the rest (the key
		// among them) share the wrong answers.
		if right {
			return []int{wrong[0]}
		}
		rest := append(append([]int{}, key...), wrong[1:]...)
		return []int{rest[r.IntN(len(rest))]}
	}
	if right || len(wrong) == 0 {
		return key
	}
	return []int{wrong[r.IntN(len(wrong))]}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
