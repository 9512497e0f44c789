package bank

import "math"

// Scoring lives next to the types so that the exam engine asks an item for a
// score instead of switching on types itself.

// Response is a candidate's answer in authored terms: the exam engine has
// already mapped displayed ids back to authored indexes, refused duplicates
// and parsed numbers.
type Response struct {
	// Picked holds authored option indexes: the chosen options for single,
	// true_false and multiple; for ordering, every option in the order the
	// candidate put them.
	Picked []int
	// Matches is, for matching, per authored prompt index, the authored
	// index of the answer chosen for it, or -1 when left blank.
	Matches []int
	// Value is the number given to a numeric item, nil when blank.
	Value *float64
}

// Score is the credit (0 to 1) the response earns. partial is the tier's
// partial-credit setting; it changes only multiple, ordering and matching.
//
//   - single, true_false: 1 when the one correct option is the one chosen.
//   - multiple: 1 only for exactly the correct set; with partial credit
//     max(0, (right − wrong) / correct), so choosing everything scores no
//     more than choosing nothing and each wrong pick cancels a right one.
//   - numeric: 1 when the value is within value ± tolerance, inclusive.
//   - ordering: 1 only for the authored order; with partial credit the share
//     of the n−1 adjacent pairs of the key (option i, option i+1) that the
//     candidate put in the right relative order, wherever they stand. One
//     item moved one place loses one or two pairs; the reversed order scores
//     0. It is the adjacent-pairs cousin of Kendall's tau: simple to explain
//     to a candidate and never credits a random order much (n−1 pairs of a
//     random permutation are each right with probability ½).
//   - matching: 1 only when every prompt is matched right; with partial
//     credit the share of prompts matched right.
func (it *Item) Score(r Response, partial bool) float64 {
	switch it.Type {
	case Numeric:
		return scoreNumeric(it.Numeric, r.Value)
	case Ordering:
		return scoreOrdering(len(it.Options), r.Picked, partial)
	case Matching:
		return scoreMatching(len(it.Options), r.Matches, partial)
	}
	return scoreChoice(it.Type, it.Correct(), r.Picked, partial)
}

// scoreChoice grades single, true_false and multiple; picked holds no
// duplicates.
func scoreChoice(t Type, correct, picked []int, partial bool) float64 {
	isCorrect := make(map[int]bool, len(correct))
	for _, c := range correct {
		isCorrect[c] = true
	}
	right, wrong := 0, 0
	for _, p := range picked {
		if isCorrect[p] {
			right++
		} else {
			wrong++
		}
	}
	if len(correct) == 0 {
		return 0
	}
	if t == Multiple && partial {
		return math.Max(0, float64(right-wrong)/float64(len(correct)))
	}
	if wrong == 0 && right == len(correct) {
		return 1
	}
	return 0
}

// NumericMatches reports whether v is within k.Value ± k.Tolerance. The
// bounds are widened by a few parts in 10¹² of the numbers' scale, so that
// binary floating point does not refuse 13.3 against 13.0 ± 0.3.
func NumericMatches(k *NumericKey, v float64) bool {
	if k == nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	scale := math.Max(1, math.Max(math.Abs(k.Value), math.Abs(v)))
	eps := 1e-12 * scale * 16
	return math.Abs(v-k.Value) <= k.Tolerance+eps
}

func scoreNumeric(k *NumericKey, v *float64) float64 {
	if v == nil || !NumericMatches(k, *v) {
		return 0
	}
	return 1
}

// scoreOrdering grades an ordering of n options; anything but a
// permutation of all n scores 0 (the engine refuses it before it is saved).
func scoreOrdering(n int, picked []int, partial bool) float64 {
	if n < 2 || len(picked) != n {
		return 0
	}
	pos := make([]int, n)
	for i := range pos {
		pos[i] = -1
	}
	for p, idx := range picked {
		if idx < 0 || idx >= n || pos[idx] >= 0 {
			return 0
		}
		pos[idx] = p
	}
	right := 0
	for i := 0; i+1 < n; i++ {
		if pos[i] < pos[i+1] {
			right++
		}
	}
	if right == n-1 {
		return 1
	}
	if partial {
		return float64(right) / float64(n-1)
	}
	return 0
}

// scoreMatching grades the answers chosen for n prompts.
func scoreMatching(n int, matches []int, partial bool) float64 {
	if n == 0 || len(matches) != n {
		return 0
	}
	right := 0
	for p, m := range matches {
		if m == p {
			right++
		}
	}
	if right == n {
		return 1
	}
	if partial {
		return float64(right) / float64(n)
	}
	return 0
}
