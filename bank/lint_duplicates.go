package bank

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Bank runs Item on every item plus the rules across items: duplicate stems
// (error) and near-duplicate stems (warning). The result is keyed by item id
// and holds only items with findings. Entries sharing an id are taken as
// versions of one item and are not compared with each other.
func (l *Linter) Bank(items []*Item) map[string][]Finding {
	out := map[string][]Finding{}
	for _, it := range items {
		if fs := l.Item(it); len(fs) > 0 {
			out[it.ID] = append(out[it.ID], fs...)
		}
	}
	for id, fs := range stemDuplicates(items) {
		out[id] = append(out[id], fs...)
	}
	return out
}

// nearDupJaccard is the word-bigram Jaccard similarity from which two stems
// count as near duplicates. Bigrams rather than single words, so that "is
// NOT" against "is" counts; stems of one word compare as single words.
const nearDupJaccard = 0.8

// stemDuplicates finds equal and near-equal stems without comparing every
// nearPair. Near duplicates use prefix filtering (Chaudhuri et al., "All-Pairs"):
// bigrams are ranked rarest first across the bank, and two sets with Jaccard
// ≥ t must share one of the first n-⌈t·n⌉+1 ranks of each, so only stems
// sharing a rare bigram are compared. Unlike MinHash it misses nothing.
func stemDuplicates(items []*Item) map[string][]Finding {
	type stem struct {
		id, norm string
		ranks    []uint32 // bigram ranks, ascending
	}
	var stems []stem
	var grams [][]uint64       // each stem's distinct bigrams, hashed
	freq := map[uint64]int32{} // stems holding each bigram
	var words []string
	for _, it := range items {
		if it == nil {
			continue
		}
		words = words[:0]
		for _, tk := range splitWords(it.Stem) {
			words = append(words, tk.word)
		}
		if len(words) == 0 {
			continue
		}
		g := make([]uint64, 0, max(1, len(words)-1))
		if len(words) == 1 {
			g = append(g, bigramHash(words[0], ""))
		}
		for i := 1; i < len(words); i++ {
			g = append(g, bigramHash(words[i-1], words[i]))
		}
		slices.Sort(g)
		g = slices.Compact(g)
		for _, h := range g {
			freq[h]++
		}
		stems = append(stems, stem{id: it.ID, norm: strings.Join(words, " ")})
		grams = append(grams, g)
	}

	// Rank bigrams rarest first; ties by hash so the order is deterministic.
	type gram struct {
		h uint64
		n int32
	}
	all := make([]gram, 0, len(freq))
	for h, n := range freq {
		all = append(all, gram{h, n})
	}
	slices.SortFunc(all, func(a, b gram) int {
		if a.n != b.n {
			return int(a.n - b.n)
		}
		return cmp.Compare(a.h, b.h)
	})
	rank := make(map[uint64]uint32, len(all))
	for i, g := range all {
		rank[g.h] = uint32(i)
	}
	for i, g := range grams {
		r := make([]uint32, len(g))
		for j, h := range g {
			r[j] = rank[h]
		}
		slices.Sort(r)
		stems[i].ranks = r
	}

	same := map[int][]int{}      // exact duplicates, by index
	near := map[int][]nearPair{} // near duplicates, by index
	index := make([][]int32, len(all))
	stamp := make([]int32, len(stems))
	for x := range stems {
		sx := stems[x]
		nx := len(sx.ranks)
		prefix := nx - ceilMul(nearDupJaccard, nx) + 1
		for _, r := range sx.ranks[:prefix] {
			for _, y := range index[r] {
				if stamp[y] == int32(x)+1 {
					continue
				}
				stamp[y] = int32(x) + 1
				sy := stems[y]
				if sy.id == sx.id && sx.id != "" {
					continue
				}
				if sy.norm == sx.norm {
					same[x] = append(same[x], int(y))
					same[int(y)] = append(same[int(y)], x)
					continue
				}
				ny := len(sy.ranks)
				if float64(min(nx, ny)) < nearDupJaccard*float64(max(nx, ny)) {
					continue
				}
				inter := intersectCount(sx.ranks, sy.ranks)
				if j := float64(inter) / float64(nx+ny-inter); j >= nearDupJaccard {
					near[x] = append(near[x], nearPair{int(y), j})
					near[int(y)] = append(near[int(y)], nearPair{x, j})
				}
			}
			index[r] = append(index[r], int32(x))
		}
	}

	out := map[string][]Finding{}
	for x := range stems {
		if ys := same[x]; len(ys) > 0 {
			ids := make([]string, len(ys))
			for i, y := range ys {
				ids[i] = stems[y].id
			}
			out[stems[x].id] = append(out[stems[x].id], Finding{Rule: RuleDuplicateStem, Severity: SeverityError, Field: "stem",
				Message: "Stem: The same question as " + itemIDList(ids) + ". Merge the items or make them ask different things."})
		}
		if ps := near[x]; len(ps) > 0 {
			sort.SliceStable(ps, func(i, j int) bool { return ps[i].sim > ps[j].sim })
			ids := make([]string, len(ps))
			for i, p := range ps {
				ids[i] = stems[p.other].id
			}
			out[stems[x].id] = append(out[stems[x].id], Finding{Rule: RuleNearDuplicateStem, Severity: SeverityWarning, Field: "stem",
				Message: fmt.Sprintf("Stem: Nearly the same question as %s (%.0f%% of word pairs shared). One item may give away the other; merge them or make them clearly different.",
					itemIDList(ids), 100*ps[0].sim)})
		}
	}
	return out
}

// bigramHash is FNV-1a over "a b": a collision needs two distinct bigrams
// out of ~2⁶⁴, far below any bank's size.
func bigramHash(a, b string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for i := 0; i < len(a); i++ {
		h = (h ^ uint64(a[i])) * prime
	}
	h = (h ^ ' ') * prime
	for i := 0; i < len(b); i++ {
		h = (h ^ uint64(b[i])) * prime
	}
	return h
}

type nearPair struct {
	other int
	sim   float64
}

// ceilMul returns ⌈t·n⌉, robust to t·n landing a hair above an integer.
func ceilMul(t float64, n int) int {
	v := t * float64(n)
	c := int(v)
	if v-float64(c) > 1e-9 {
		c++
	}
	return c
}

func intersectCount(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// itemIDList names up to three items: "item a-b", "items a, b and 2 more".
func itemIDList(ids []string) string {
	for i, id := range ids {
		if id == "" {
			ids[i] = "(new item)"
		}
	}
	if len(ids) == 1 {
		return "item " + ids[0]
	}
	if len(ids) <= 3 {
		return "items " + strings.Join(ids, ", ")
	}
	return fmt.Sprintf("items %s and %d more", strings.Join(ids[:3], ", "), len(ids)-3)
}
