package stats

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// z95 is the standard normal quantile of a two-sided 95 % interval.
const z95 = 1.959963984540054

// Compute analyses in. It never fails: figures that cannot be computed (too
// few responses, no variance) are nil.
func Compute(in Input) Result {
	th := in.Thresholds.withDefaults()
	res := Result{MinN: th.MinN, Items: make([]ItemStats, len(in.Items))}

	// Raw totals per attempt, and each item's responses in attempt order.
	totals := make([]float64, len(in.Attempts))
	type resp struct {
		attempt int
		r       *Response
	}
	byItem := make([][]resp, len(in.Items))
	counts := make([]int, len(in.Items))
	for a := range in.Attempts {
		for _, r := range in.Attempts[a].Responses {
			if r.Item >= 0 && r.Item < len(in.Items) {
				counts[r.Item]++
			}
		}
	}
	for i, c := range counts {
		byItem[i] = make([]resp, 0, c)
	}
	for a := range in.Attempts {
		for i := range in.Attempts[a].Responses {
			r := &in.Attempts[a].Responses[i]
			totals[a] += r.Score
			if r.Item >= 0 && r.Item < len(in.Items) {
				byItem[r.Item] = append(byItem[r.Item], resp{a, r})
			}
		}
	}

	// Each item's scores in the order of the takers' total scores (ties
	// in attempt order), for the upper–lower index: one sort for all items.
	rank := make([]int, len(in.Attempts))
	for a := range rank {
		rank[a] = a
	}
	slices.SortStableFunc(rank, func(a, b int) int { return cmp.Compare(totals[a], totals[b]) })
	ranked := make([][]float64, len(in.Items))
	for i, c := range counts {
		ranked[i] = make([]float64, 0, c)
	}
	for _, a := range rank {
		for _, r := range in.Attempts[a].Responses {
			if r.Item >= 0 && r.Item < len(in.Items) {
				ranked[r.Item] = append(ranked[r.Item], r.Score)
			}
		}
	}

	// Exposure: share of the most recent forms holding each item.
	exposure := make([]float64, len(in.Items))
	from := max(0, len(in.Attempts)-th.ExposureWindow)
	if w := len(in.Attempts) - from; w > 0 {
		for a := from; a < len(in.Attempts); a++ {
			for _, r := range in.Attempts[a].Responses {
				if r.Item >= 0 && r.Item < len(in.Items) {
					exposure[r.Item]++
				}
			}
		}
		for i := range exposure {
			exposure[i] /= float64(w)
		}
	}

	itemVar := make([]float64, len(in.Items))
	for i, it := range in.Items {
		rs := byItem[i]
		st := ItemStats{ID: it.ID, Version: it.Version, N: len(rs), Exposure: exposure[i]}
		for o, c := range it.Correct {
			st.Options = append(st.Options, OptionStats{Index: o, Correct: c})
		}
		score := make([]float64, len(rs))
		rest := make([]float64, len(rs))
		total := make([]float64, len(rs))
		var secs []float64
		langs := make([]string, len(rs))
		for k, r := range rs {
			langs[k] = in.Attempts[r.attempt].Language
			score[k] = r.r.Score
			total[k] = totals[r.attempt]
			rest[k] = total[k] - r.r.Score
			if !math.IsNaN(r.r.Seconds) {
				secs = append(secs, r.r.Seconds)
			}
		}
		_, itemVar[i] = meanVar(score)
		if st.N >= th.MinN {
			fac, _ := meanVar(score)
			st.Facility = ptr(fac)
			st.FacilityCI = wilson(fac, st.N)
			st.ItemRest = ptr(pearson(score, rest))
			if st.ItemRest != nil {
				st.ItemRestCI = fisher(*st.ItemRest, st.N)
			}
			st.Discrimination = ptr(upperLower(ranked[i]))
			if len(secs) > 0 {
				st.MedianSeconds = ptr(median(secs))
			}
			chose := make([]float64, len(rs))
			for o := range st.Options {
				n := 0
				for k, r := range rs {
					chose[k] = 0
					for _, c := range r.r.Choices {
						if c == o {
							chose[k] = 1
							n++
							break
						}
					}
				}
				st.Options[o].Share = ptr(float64(n) / float64(st.N))
				st.Options[o].PointBiserial = ptr(pearson(chose, rest))
			}
			st.Flags = flags(st, score, th)
		}
		var langFlags []Flag
		st.Languages, langFlags = byLanguage(langs, score, th)
		st.Flags = append(st.Flags, langFlags...)
		res.Items[i] = st
	}
	res.Test = testStats(in, totals, itemVar, th)
	return res
}

// flags applies the thresholds to an item with at least MinN responses.
// score is in attempt order (for drift).
func flags(st ItemStats, score []float64, th Thresholds) []Flag {
	var out []Flag
	add := func(code string, sev Severity, v, lim float64) {
		out = append(out, Flag{Code: code, Severity: sev, Value: v, Limit: lim, Option: -1})
	}
	if r := st.ItemRest; r != nil {
		switch {
		case *r < th.KeySuspect:
			add(KeySuspect, High, *r, th.KeySuspect)
		case *r < th.LowDiscrimination:
			add(LowDiscrimination, Medium, *r, th.LowDiscrimination)
		}
	}
	switch f := *st.Facility; {
	case f > th.TooEasy:
		add(TooEasy, Low, f, th.TooEasy)
	case f < th.TooHard:
		add(TooHard, Medium, f, th.TooHard)
	}
	for _, o := range st.Options {
		if o.Correct || o.Share == nil {
			continue
		}
		switch {
		case *o.Share < th.WeakDistractorShare:
			out = append(out, Flag{Code: WeakDistractor, Severity: Low, Value: *o.Share, Limit: th.WeakDistractorShare, Option: o.Index})
		case o.PointBiserial != nil && *o.PointBiserial >= 0:
			out = append(out, Flag{Code: WeakDistractor, Severity: Medium, Value: *o.PointBiserial, Limit: 0, Option: o.Index})
		}
	}
	if early, recent, p, ok := drift(score); ok && p < th.DriftP {
		out = append(out, Flag{Code: Drift, Severity: Medium, Value: recent - early, Limit: th.DriftP, Option: -1,
			Earlier: early, Recent: recent, P: p})
	}
	if st.Exposure > th.Overexposed {
		add(Overexposed, Low, st.Exposure, th.Overexposed)
	}
	return out
}

// drift compares the facility of the earlier and the recent half of the
// responses with a two-proportion z-test (pooled), two-sided.
func drift(score []float64) (early, recent, p float64, ok bool) {
	h := len(score) / 2
	if h < 1 {
		return 0, 0, 1, false
	}
	a, b := score[:h], score[h:]
	early, _ = meanVar(a)
	recent, _ = meanVar(b)
	pool := (early*float64(len(a)) + recent*float64(len(b))) / float64(len(score))
	se := math.Sqrt(pool * (1 - pool) * (1/float64(len(a)) + 1/float64(len(b))))
	if se == 0 {
		return early, recent, 1, true
	}
	z := (recent - early) / se
	return early, recent, math.Erfc(math.Abs(z) / math.Sqrt2), true
}

// testStats are the distribution of percent scores and the reliability.
//
// Alpha over forms that differ: attempts are grouped by form length k; for
// each group alpha_k = k/(k−1)·(1 − E[Σσ²ᵢ]/σ²_X), where σ²ᵢ is item i's
// score variance over everyone who took it, E[Σσ²ᵢ] the mean over the
// group's attempts of the sum of their own items' variances, and σ²_X the
// variance of the group's raw totals (population variances throughout).
// With dichotomous items σ²ᵢ = pq and this is KR-20 on each form; on one
// fixed form it is exactly Cronbach's alpha. The tier's alpha is the
// attempt-weighted mean of the groups'.
func testStats(in Input, totals, itemVar []float64, th Thresholds) TestStats {
	n := len(in.Attempts)
	ts := TestStats{Attempts: n}
	for b := 0; b < 10; b++ {
		ts.Histogram = append(ts.Histogram, Bin{From: float64(b * 10), To: float64(b*10 + 10)})
	}
	if n == 0 {
		return ts
	}
	pct := make([]float64, n)
	passed := 0
	for a, at := range in.Attempts {
		pct[a] = at.Percent
		if at.Passed {
			passed++
		}
		b := min(9, max(0, int(at.Percent/10)))
		ts.Histogram[b].Count++
	}
	mean, v := meanVar(pct)
	sd := math.Sqrt(v)
	ts.MeanPercent, ts.SDPercent, ts.MedianPercent = ptr(mean), ptr(sd), ptr(median(pct))
	ts.PassRate = ptr(float64(passed) / float64(n))
	if n < th.MinN {
		return ts
	}
	type group struct {
		tot  []float64
		sumV float64
	}
	groups := map[int]*group{}
	modeK, modeN := 0, 0
	for a, at := range in.Attempts {
		k := len(at.Responses)
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
		}
		g.tot = append(g.tot, totals[a])
		for _, r := range at.Responses {
			g.sumV += itemVar[r.Item]
		}
		if len(g.tot) > modeN || (len(g.tot) == modeN && k > modeK) {
			modeK, modeN = k, len(g.tot)
		}
	}
	var wsum, asum float64
	for k, g := range groups {
		_, vx := meanVar(g.tot)
		if k < 2 || len(g.tot) < 2 || vx == 0 {
			continue
		}
		ak := float64(k) / float64(k-1) * (1 - g.sumV/float64(len(g.tot))/vx)
		wsum += float64(len(g.tot))
		asum += float64(len(g.tot)) * ak
	}
	if wsum > 0 {
		alpha := asum / wsum
		ts.Alpha = ptr(alpha)
		ts.SEMPercent = ptr(sd * math.Sqrt(math.Max(0, 1-alpha)))
	}
	if modeK >= 2 {
		// Lord's binomial-error CSEM at raw score x = c·k: √(x(k−x)/(k−1)).
		x := in.PassPercent / 100 * float64(modeK)
		ts.SEMCutPercent = ptr(100 * math.Sqrt(x*(float64(modeK)-x)/float64(modeK-1)) / float64(modeK))
	}
	return ts
}

// meanVar returns the mean and the population variance.
func meanVar(x []float64) (mean, variance float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(x))
}

// pearson is the product-moment correlation; NaN when either side has no
// variance.
func pearson(x, y []float64) float64 {
	mx, vx := meanVar(x)
	my, vy := meanVar(y)
	if len(x) < 2 || vx == 0 || vy == 0 {
		return math.NaN()
	}
	var c float64
	for i := range x {
		c += (x[i] - mx) * (y[i] - my)
	}
	r := c / float64(len(x)) / math.Sqrt(vx*vy)
	if math.Abs(r) < 1e-12 {
		// Rounding noise around an exact 0 must not decide between
		// key_suspect (r < 0) and low_discrimination.
		return 0
	}
	return r
}

// upperLower is Kelley's discrimination index: the mean item score of the
// top 27 % by total score minus that of the bottom 27 %. ranked holds the
// item's scores ordered by the takers' total scores.
func upperLower(ranked []float64) float64 {
	n := len(ranked)
	g := int(math.Round(0.27 * float64(n)))
	if g < 1 || 2*g > n {
		return math.NaN()
	}
	var lo, hi float64
	for k := 0; k < g; k++ {
		lo += ranked[k]
		hi += ranked[n-1-k]
	}
	return (hi - lo) / float64(g)
}

// wilson is the Wilson (1927) score interval for a proportion p of n.
func wilson(p float64, n int) *Interval {
	if n == 0 {
		return nil
	}
	nf, z2 := float64(n), z95*z95
	d := 1 + z2/nf
	c := (p + z2/(2*nf)) / d
	h := z95 / d * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return &Interval{Low: c - h, High: c + h}
}

// fisher is the Fisher z interval of a correlation r from n pairs.
func fisher(r float64, n int) *Interval {
	if n <= 3 || math.Abs(r) >= 1 {
		return nil
	}
	z, se := math.Atanh(r), 1/math.Sqrt(float64(n-3))
	return &Interval{Low: math.Tanh(z - z95*se), High: math.Tanh(z + z95*se)}
}

func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
