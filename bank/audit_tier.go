package bank

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Thresholds of the tier-level rules. A rate is flagged only when it is off
// its expectation both by a margin that matters and by more than chance
// explains (a z-score on the binomial), and only with enough items for the
// rate to mean something.
const (
	tierMinItems     = 10   // single-answer or true/false items needed for a rate rule
	tierMinSelect    = 6    // multiple-answer items needed for the key-count rule
	rateMinExcess    = 0.15 // observed share minus expected share
	rateMinZ         = 2.5
	tfMaxImbalance   = 0.2 // |share of True keys - 0.5|
	selectModalShare = 0.5 // one key count on this share of multiple items dominates
	positionMinZ     = 2.5
)

// tierCues are the rules over a tier's items: length rank of the key, key
// position in file order, true/false balance and select-all key counts.
func tierCues(tier string, items []*Item) []AuditFinding {
	var out []AuditFinding
	add := func(rule, msg, ev string) {
		out = append(out, AuditFinding{Tier: tier, Rule: rule, Severity: SeverityWarning, Message: msg, Evidence: ev})
	}
	var singles []*Item
	tfTrue, tfN := 0, 0
	counts := map[int]int{}
	nMulti := 0
	for _, it := range items {
		switch it.Type {
		case Single:
			if len(it.Options) >= 3 && len(it.Correct()) == 1 {
				singles = append(singles, it)
			}
		case TrueFalse:
			tfN++
			if tfKey(it) > 0 {
				tfTrue++
			}
		case Multiple:
			nMulti++
			counts[len(it.Correct())]++
		}
	}

	if len(singles) >= tierMinItems {
		var second, longest, exp2, expL, varL, var2 float64
		for _, it := range singles {
			rank, unique := keyLengthRank(it)
			p := 1 / float64(len(it.Options))
			exp2 += p
			expL += p
			var2 += p * (1 - p)
			varL += p * (1 - p)
			if unique && rank == 1 {
				longest++
			}
			if unique && rank == 2 {
				second++
			}
		}
		n := float64(len(singles))
		if excessive(second, exp2, var2, n) {
			add(AuditKeySecondLongest,
				"The key is the second-longest option far more often than chance: writers who avoid making the key longest make it second-longest instead, and candidates learn that too. Vary the length rank of the key.",
				fmt.Sprintf("%.0f of %.0f single-answer items (%.0f %%) against %.0f %% expected", second, n, 100*second/n, 100*exp2/n))
		}
		if excessive(longest, expL, varL, n) {
			add(AuditKeyLongestRate,
				"The key is the longest option far more often than chance. Vary the length rank of the key.",
				fmt.Sprintf("%.0f of %.0f single-answer items (%.0f %%) against %.0f %% expected", longest, n, 100*longest/n, 100*expL/n))
		}
		if ev, ok := positionPattern(singles); ok {
			add(AuditKeyPosition,
				"The key's position in file order follows a pattern (letters repeat too rarely or too often, or one letter is favoured). The server shuffles options, but exports and other delivery systems show the authored order: randomize it.", ev)
		}
	}

	if tfN >= tierMinItems {
		if share := float64(tfTrue) / float64(tfN); math.Abs(share-0.5) >= tfMaxImbalance {
			add(AuditTrueFalseBalance,
				"True and false keys are unbalanced: a candidate who always answers the commoner one beats chance. Aim for about half of each.",
				fmt.Sprintf("%d of %d true/false items are keyed True (%.0f %%)", tfTrue, tfN, 100*share))
		}
	}

	if nMulti >= tierMinSelect {
		modal, modalN := modalCount(counts)
		if float64(modalN) >= selectModalShare*float64(nMulti) {
			add(AuditSelectCount,
				"Most multiple-answer items have the same number of correct options, so a candidate who always picks that many is favoured. Vary the number of keys (including one and all-but-one).",
				fmt.Sprintf("%d of %d multiple-answer items have %d keys; distribution %s", modalN, nMulti, modal, countDist(counts)))
		}
	}
	return out
}

// excessive: obs out of n is over its expectation both by rateMinExcess of
// n and by rateMinZ standard deviations.
func excessive(obs, exp, variance, n float64) bool {
	if variance <= 0 {
		return false
	}
	return (obs-exp)/n >= rateMinExcess && (obs-exp)/math.Sqrt(variance) >= rateMinZ
}

// keyLengthRank returns 1 when the key is the longest option, 2 when
// exactly one option is longer, and so on; unique is false when another
// option has the key's length.
func keyLengthRank(it *Item) (rank int, unique bool) {
	k := it.Correct()[0]
	kl := visibleLen(it.Options[k].Text)
	rank, unique = 1, true
	for i, o := range it.Options {
		if i == k {
			continue
		}
		switch l := visibleLen(o.Text); {
		case l > kl:
			rank++
		case l == kl:
			unique = false
		}
	}
	return rank, unique
}

// positionPattern tests the key letters of single-answer items in file
// order: the number of times a letter follows itself against its
// expectation (two-sided: rotation makes repeats too rare), and the share of
// each letter.
func positionPattern(items []*Item) (string, bool) {
	var reps, exp, variance float64
	letters := map[int]float64{}
	letterExp := map[int]float64{}
	letterVar := map[int]float64{}
	for i, it := range items {
		k := it.Correct()[0]
		n := len(it.Options)
		letters[k]++
		for l := 0; l < n; l++ {
			p := 1 / float64(n)
			letterExp[l] += p
			letterVar[l] += p * (1 - p)
		}
		if i == 0 {
			continue
		}
		prev := items[i-1].Correct()[0]
		p := 1 / float64(max(n, len(items[i-1].Options)))
		exp += p
		variance += p * (1 - p)
		if prev == k {
			reps++
		}
	}
	var ev []string
	if variance > 0 {
		if z := (reps - exp) / math.Sqrt(variance); math.Abs(z) >= positionMinZ {
			ev = append(ev, fmt.Sprintf("the key letter repeats %.0f times in %d items, %.1f expected", reps, len(items)-1, exp))
		}
	}
	var ls []int
	for l := range letterExp {
		ls = append(ls, l)
	}
	sort.Ints(ls)
	for _, l := range ls {
		if v := letterVar[l]; v > 0 {
			if z := (letters[l] - letterExp[l]) / math.Sqrt(v); math.Abs(z) >= positionMinZ+0.5 {
				ev = append(ev, fmt.Sprintf("letter %c is the key %.0f times, %.1f expected", 'A'+l, letters[l], letterExp[l]))
			}
		}
	}
	return strings.Join(ev, "; "), len(ev) > 0
}

func modalCount(counts map[int]int) (modal, n int) {
	for c, k := range counts {
		if k > n || k == n && c < modal {
			modal, n = c, k
		}
	}
	return modal, n
}

func countDist(counts map[int]int) string {
	var cs []int
	for c := range counts {
		cs = append(cs, c)
	}
	sort.Ints(cs)
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%d keys: %d", c, counts[c]))
	}
	return strings.Join(parts, ", ")
}
