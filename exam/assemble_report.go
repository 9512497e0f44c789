package exam

import "github.com/mopscert/mopscert/bank"

// How different forms are: figures for a psychometrician deciding whether a
// bank is deep enough for a tier.

// FormOverlap is what OverlapReport measures.
type FormOverlap struct {
	// Random is the mean number of items two independently drawn forms
	// share (no exposure control): two candidates who start at once.
	Random float64
	// Successive is the mean number of items a form shares with the form
	// drawn just before it, with exposure control: a retake or the next
	// candidate.
	Successive float64
	// Disjoint is how many forms in a row the draw produced with no item
	// used twice, from the whole pool, before a form had to reuse one.
	Disjoint int
	// MaxDisjoint is the most forms with no item in common the pool can
	// hold at all: per domain, its items divided by the blueprint's count,
	// the smallest of those.
	MaxDisjoint int
	// Questions is the form length, for scale.
	Questions int
}

// OverlapReport draws trials pairs of forms from pool by bp with seeds from
// seed on, and a run of successive forms with exposure control, and reports
// how much they overlap. It returns the zero report when the pool cannot
// fill bp.
func OverlapReport(pool []bank.PoolEntry, bp Blueprint, trials int, seed int64) FormOverlap {
	out := FormOverlap{Questions: bp.Total(), MaxDisjoint: -1}
	have := map[bank.Domain]int{}
	for _, e := range pool {
		have[e.Domain]++
	}
	for _, d := range blueprintDomains(bp) {
		if k := have[d] / bp[d]; out.MaxDisjoint < 0 || k < out.MaxDisjoint {
			out.MaxDisjoint = k
		}
	}
	if trials <= 0 {
		return out
	}
	shared := func(a, b []bank.PoolEntry) int {
		in := make(map[string]bool, len(a))
		for _, e := range a {
			in[e.ID] = true
		}
		n := 0
		for _, e := range b {
			if in[e.ID] {
				n++
			}
		}
		return n
	}
	sum := 0
	for i := 0; i < trials; i++ {
		a, short := draw(pool, bp, nil, nil, seed+int64(2*i))
		if len(short) > 0 {
			return FormOverlap{}
		}
		b, _ := draw(pool, bp, nil, nil, seed+int64(2*i+1))
		sum += shared(a, b)
	}
	out.Random = float64(sum) / float64(trials)

	// Successive forms: each draw sees when every item was last drawn.
	last := map[string]int64{}
	used := map[string]bool{}
	var prev []bank.PoolEntry
	sum, disjointOpen := 0, true
	for i := 0; i <= trials; i++ {
		f, _ := draw(pool, bp, nil, last, seed+int64(1_000_000+i))
		for _, e := range f {
			last[e.ID] = int64(i + 1)
			if used[e.ID] {
				disjointOpen = false
			}
		}
		if disjointOpen {
			out.Disjoint++
			for _, e := range f {
				used[e.ID] = true
			}
		}
		if prev != nil {
			sum += shared(prev, f)
		}
		prev = f
	}
	out.Successive = float64(sum) / float64(trials)
	return out
}
