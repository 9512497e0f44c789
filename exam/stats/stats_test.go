package stats

import (
	"math"
	"testing"
)

// fixture is five candidates on one three-item form. Items 0 and 1 are
// single-answer with three options (keys 0 and 1); item 2 is score-only.
//
//	cand  i0 i1 i2  total  choices i0, i1
//	A      1  1  1    3     0, 1
//	B      1  1  0    2     0, 1
//	C      1  0  1    2     0, 0
//	D      0  1  0    1     1, 1
//	E      0  0  0    0     2, (none)
func fixture() Input {
	type row struct {
		s      [3]float64
		c0, c1 []int
		sec    float64
	}
	rows := []row{
		{[3]float64{1, 1, 1}, []int{0}, []int{1}, 10},
		{[3]float64{1, 1, 0}, []int{0}, []int{1}, 20},
		{[3]float64{1, 0, 1}, []int{0}, []int{0}, 30},
		{[3]float64{0, 1, 0}, []int{1}, []int{1}, 40},
		{[3]float64{0, 0, 0}, []int{2}, nil, math.NaN()},
	}
	in := Input{
		Items: []Item{
			{ID: "i0", Version: 1, Correct: []bool{true, false, false}},
			{ID: "i1", Version: 1, Correct: []bool{false, true, false}},
			{ID: "i2", Version: 2},
		},
		PassPercent: 60,
		// Exposure is 1 for every item here; a limit of 1 keeps
		// overexposed out of this test (it is tested on its own).
		Thresholds: Thresholds{MinN: 5, Overexposed: 1},
	}
	for _, r := range rows {
		tot := r.s[0] + r.s[1] + r.s[2]
		in.Attempts = append(in.Attempts, Attempt{
			Percent: tot / 3 * 100, Passed: tot/3*100 >= 60,
			Responses: []Response{
				{Item: 0, Score: r.s[0], Choices: r.c0, Seconds: r.sec},
				{Item: 1, Score: r.s[1], Choices: r.c1, Seconds: math.NaN()},
				{Item: 2, Score: r.s[2], Seconds: math.NaN()},
			},
		})
	}
	return in
}

func near(t *testing.T, name string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = nil, want %.12g", name, want)
		return
	}
	if math.Abs(*got-want) > 1e-9 {
		t.Errorf("%s = %.15g, want %.15g", name, *got, want)
	}
}

func TestComputeHandValues(t *testing.T) {
	res := Compute(fixture())
	i0, i1, i2 := res.Items[0], res.Items[1], res.Items[2]

	// Item 0: scores 1,1,1,0,0 → facility 0.6, variance 0.24. Rest scores
	// 2,1,1,1,0: mean 1, variance 0.4. Covariance (0.4·1 + 0.6·1)/5 = 0.2,
	// r = 0.2/√(0.24·0.4) = √(5/12).
	near(t, "i0 facility", i0.Facility, 0.6)
	near(t, "i0 item-rest", i0.ItemRest, math.Sqrt(5.0/12))
	// Wilson, p = 0.6, n = 5, z = 1.96: centre (p+z²/2n)/(1+z²/n), half
	// z/(1+z²/n)·√(p(1−p)/n + z²/4n²).
	near(t, "i0 wilson low", &i0.FacilityCI.Low, 0.2307242812760128)
	near(t, "i0 wilson high", &i0.FacilityCI.High, 0.882379225767352)
	// Fisher: tanh(atanh(√(5/12)) ± 1.96/√2).
	near(t, "i0 fisher low", &i0.ItemRestCI.Low, -0.5499872061938808)
	near(t, "i0 fisher high", &i0.ItemRestCI.High, 0.9734075407439994)
	// Upper–lower: 27 % of 5 rounds to 1; top A (1) minus bottom E (0).
	near(t, "i0 discrimination", i0.Discrimination, 1)
	near(t, "i0 median seconds", i0.MedianSeconds, 25)
	// Options of item 0: the key's point-biserial is the item-rest r.
	// Option 1 (D only): chose 0,0,0,1,0 vs rest 2,1,1,1,0: covariance
	// 0 → r = 0. Option 2 (E only): covariance (−0.2·1 + 0.8·−1)/5 = −0.2,
	// r = −0.2/√(0.16·0.4) = −√0.625.
	near(t, "i0 opt0 share", i0.Options[0].Share, 0.6)
	near(t, "i0 opt0 pb", i0.Options[0].PointBiserial, math.Sqrt(5.0/12))
	near(t, "i0 opt1 share", i0.Options[1].Share, 0.2)
	near(t, "i0 opt1 pb", i0.Options[1].PointBiserial, 0)
	near(t, "i0 opt2 pb", i0.Options[2].PointBiserial, -math.Sqrt(0.625))

	// Item 1: scores 1,1,0,1,0; rest 2,1,2,0,0 (mean 1, variance 0.8);
	// covariance (0.4 + 0 − 0.6 − 0.4 + 0.6)/5 = 0 → r = 0. Option 0 (C
	// only): covariance (−0.2·1 + 0.8·1 − 0.2·−1 − 0.2·−1)/5 = 0.2, r =
	// 0.2/√(0.16·0.8) = √0.3125. Option 2: nobody, no correlation.
	near(t, "i1 facility", i1.Facility, 0.6)
	near(t, "i1 item-rest", i1.ItemRest, 0)
	near(t, "i1 opt0 pb", i1.Options[0].PointBiserial, math.Sqrt(0.3125))
	near(t, "i1 opt2 share", i1.Options[2].Share, 0)
	if i1.Options[2].PointBiserial != nil {
		t.Errorf("i1 opt2 pb = %v, want nil (nobody chose it)", *i1.Options[2].PointBiserial)
	}

	// Item 2 (score-only): scores 1,0,1,0,0, facility 0.4 (variance 0.24);
	// rest 2,2,1,1,0 (mean 1.2, variance 0.56); covariance 0.6/5 = 0.12,
	// r = 0.12/√(0.24·0.56) = √(3/28).
	near(t, "i2 facility", i2.Facility, 0.4)
	near(t, "i2 item-rest", i2.ItemRest, math.Sqrt(3.0/28))
	if len(i2.Options) != 0 {
		t.Errorf("score-only item has options %+v", i2.Options)
	}

	// Test: totals 3,2,2,1,0 (variance 1.04); each item's variance 0.24,
	// so KR-20 = 3/2·(1 − 0.72/1.04) = 6/13. Percent SD = 100/3·√1.04;
	// SEM = SD·√(1 − 6/13) = 100/3·√0.56. Lord's CSEM at 60 % of 3 items:
	// x = 1.8, √(1.8·1.2/2)/3·100 = 20√3.
	ts := res.Test
	if ts.Attempts != 5 {
		t.Errorf("attempts = %d", ts.Attempts)
	}
	near(t, "alpha", ts.Alpha, 6.0/13)
	near(t, "mean", ts.MeanPercent, 160.0/3)
	near(t, "sd", ts.SDPercent, 100.0/3*math.Sqrt(1.04))
	near(t, "sem", ts.SEMPercent, 100.0/3*math.Sqrt(0.56))
	near(t, "sem at cut", ts.SEMCutPercent, 20*math.Sqrt(3))
	near(t, "median", ts.MedianPercent, 200.0/3)
	near(t, "pass rate", ts.PassRate, 0.6)
	wantBins := map[int]int{0: 1, 3: 1, 6: 2, 9: 1}
	for b, bin := range ts.Histogram {
		if bin.Count != wantBins[b] {
			t.Errorf("bin %v-%v = %d, want %d", bin.From, bin.To, bin.Count, wantBins[b])
		}
	}
}

func codes(fs []Flag) map[string][]int {
	out := map[string][]int{}
	for _, f := range fs {
		out[f.Code] = append(out[f.Code], f.Option)
	}
	return out
}

func TestFlags(t *testing.T) {
	res := Compute(fixture())
	// Item 0: option 1's point-biserial is 0 (not negative) → a weak
	// distractor; option 2 is chosen by 20 % with a negative r → fine.
	if got := codes(res.Items[0].Flags); len(got) != 1 || len(got[WeakDistractor]) != 1 || got[WeakDistractor][0] != 1 {
		t.Errorf("i0 flags = %+v", res.Items[0].Flags)
	}
	// Item 1: r = 0 exactly (below 0.20, not negative) →
	// low_discrimination, not key_suspect; option 0 attracts the stronger
	// (r > 0), option 2 nobody.
	got := codes(res.Items[1].Flags)
	if len(got[LowDiscrimination]) != 1 || got[KeySuspect] != nil || len(got[WeakDistractor]) != 2 {
		t.Errorf("i1 flags = %+v", res.Items[1].Flags)
	}
	// Item 2: score-only, r 0.33, facility 0.4: nothing.
	if len(res.Items[2].Flags) != 0 {
		t.Errorf("i2 flags = %+v", res.Items[2].Flags)
	}

	// One more response than we have: everything is null, nothing flagged.
	in := fixture()
	in.Thresholds.MinN = 6
	res = Compute(in)
	for _, it := range res.Items {
		if it.Facility != nil || it.ItemRest != nil || len(it.Flags) != 0 || it.N != 5 {
			t.Errorf("below min n: %+v", it)
		}
	}
	if res.Test.Alpha != nil || res.Test.SEMPercent != nil || res.Test.MeanPercent == nil {
		t.Errorf("below min n: test stats %+v", res.Test)
	}
}

// TestFlagThresholds plants one figure per flag on a 40-candidate form.
func TestFlagThresholds(t *testing.T) {
	const n = 40
	in := Input{Items: []Item{
		{ID: "miskey", Correct: []bool{true, false}},
		{ID: "easy"},
		{ID: "hard"},
		{ID: "drift"},
		{ID: "anchor"}, {ID: "anchor2"}, {ID: "anchor3"},
	}, Thresholds: Thresholds{Overexposed: 0.99}}
	for c := 0; c < n; c++ {
		strong := c%2 == 0
		b := func(v bool) float64 {
			if v {
				return 1
			}
			return 0
		}
		// The strong half answers the anchors right; the miskeyed item
		// is "right" only for the weak half.
		in.Attempts = append(in.Attempts, Attempt{Responses: []Response{
			{Item: 0, Score: b(!strong), Choices: []int{map[bool]int{true: 1, false: 0}[strong]}, Seconds: math.NaN()},
			{Item: 1, Score: b(c != 3), Seconds: math.NaN()},
			{Item: 2, Score: b(c == 4), Seconds: math.NaN()},
			{Item: 3, Score: b(c < n/2), Seconds: math.NaN()},
			{Item: 4, Score: b(strong), Seconds: math.NaN()},
			{Item: 5, Score: b(strong), Seconds: math.NaN()},
			{Item: 6, Score: b(strong || c == 1), Seconds: math.NaN()},
		}})
	}
	res := Compute(in)
	want := map[string]string{"miskey": KeySuspect, "easy": TooEasy, "hard": TooHard, "drift": Drift}
	for _, it := range res.Items {
		c := codes(it.Flags)
		if w := want[it.ID]; w != "" && c[w] == nil {
			t.Errorf("%s: flags %+v, want %s", it.ID, it.Flags, w)
		}
		if it.ID != "miskey" && c[KeySuspect] != nil {
			t.Errorf("%s: key_suspect, want none", it.ID)
		}
		if c[Overexposed] == nil {
			t.Errorf("%s: on every form but not overexposed", it.ID)
		}
	}
}
