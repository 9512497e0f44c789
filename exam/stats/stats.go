// Package stats computes classical-test-theory statistics from plain
// response matrices: item facility and discrimination, per-option analysis,
// drift, exposure, score distribution and reliability, and the flags an
// item reviewer acts on. It is a leaf: no database, no HTTP, no clock.
//
// Forms differ per candidate (each attempt draws its own items), so every
// figure is computed over the attempts that actually held the item, and
// "rest score" is each candidate's own form score without the item.
package stats

import "math"

// Item describes one analysed item version.
type Item struct {
	ID      string
	Version int
	// Correct says, per authored option, whether it is keyed correct. Empty
	// for score-only types (numeric, ordering, matching): no option analysis.
	Correct []bool
}

// Response is one scored question of an attempt.
type Response struct {
	Item    int     // index into Input.Items
	Score   float64 // credit 0..1 from grading (partial credit as scored)
	Choices []int   // authored option indexes chosen
	Seconds float64 // estimated time on the question; NaN when unknown
}

// Attempt is one graded attempt, in submit order within Input.Attempts.
type Attempt struct {
	Responses []Response
	Percent   float64 // the stored score_percent
	Passed    bool
	// Language the attempt was delivered in ("" is English).
	Language string
}

// Input is what Compute analyses.
type Input struct {
	Items    []Item
	Attempts []Attempt // oldest first: drift and exposure depend on the order
	// PassPercent is the cut score, for the conditional SEM at the cut.
	PassPercent float64
	Thresholds  Thresholds
}

// Thresholds are the limits behind the flags. DefaultThresholds documents
// the classical-test-theory conventions used when none are set.
type Thresholds struct {
	// MinN: below this many responses an item's figures are null and it is
	// never flagged; below it a tier's alpha and SEM are null (30 is the
	// usual floor for a stable p-value and a correlation's sign).
	MinN int
	// TooEasy / TooHard: facility above / below (0.90 / 0.20): such items
	// separate few candidates.
	TooEasy, TooHard float64
	// LowDiscrimination: item–rest r below this (0.20, Ebel's "marginal,
	// revise" band) flags the item.
	LowDiscrimination float64
	// KeySuspect: item–rest r below this (0) suggests a wrong key: the
	// stronger candidates do worse on the item.
	KeySuspect float64
	// WeakDistractorShare: a distractor chosen by fewer than this share
	// (0.05) does not distract; one with a point-biserial at or above 0
	// attracts the strong candidates.
	WeakDistractorShare float64
	// DriftP: two-sided p of the two-proportion z-test between the earlier
	// and the recent half of the item's responses (0.01).
	DriftP float64
	// Overexposed: share of the recent forms holding the item (0.5) over
	// the last ExposureWindow attempts (500).
	Overexposed    float64
	ExposureWindow int
	// TranslationP: two-sided p of the two-proportion z-test between an
	// item's English facility and a translation's (0.01), each with at
	// least MinN responses.
	TranslationP float64
}

// DefaultThresholds are the classical-test-theory defaults.
func DefaultThresholds() Thresholds {
	return Thresholds{MinN: 30, TooEasy: 0.90, TooHard: 0.20, LowDiscrimination: 0.20, KeySuspect: 0,
		WeakDistractorShare: 0.05, DriftP: 0.01, Overexposed: 0.5, ExposureWindow: 500,
		TranslationP: 0.01}
}

// withDefaults fills zero fields from DefaultThresholds. KeySuspect's zero
// is its default.
func (t Thresholds) withDefaults() Thresholds {
	d := DefaultThresholds()
	if t.MinN <= 0 {
		t.MinN = d.MinN
	}
	if t.TooEasy <= 0 {
		t.TooEasy = d.TooEasy
	}
	if t.TooHard <= 0 {
		t.TooHard = d.TooHard
	}
	if t.LowDiscrimination <= 0 {
		t.LowDiscrimination = d.LowDiscrimination
	}
	if t.WeakDistractorShare <= 0 {
		t.WeakDistractorShare = d.WeakDistractorShare
	}
	if t.DriftP <= 0 {
		t.DriftP = d.DriftP
	}
	if t.Overexposed <= 0 {
		t.Overexposed = d.Overexposed
	}
	if t.ExposureWindow <= 0 {
		t.ExposureWindow = d.ExposureWindow
	}
	if t.TranslationP <= 0 {
		t.TranslationP = d.TranslationP
	}
	return t
}

// Interval is a confidence interval (95 %).
type Interval struct{ Low, High float64 }

// OptionStats is one authored option of an item.
type OptionStats struct {
	Index         int
	Correct       bool
	Share         *float64 // share of the item's responses choosing it
	PointBiserial *float64 // r of choosing it (0/1) with the rest score
}

// Severity orders flags for the review queue.
type Severity string

// The severities, highest first.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

// Rank is a severity's sort key (high first).
func (s Severity) Rank() int {
	switch s {
	case High:
		return 0
	case Medium:
		return 1
	}
	return 2
}

// The flag codes.
const (
	KeySuspect        = "key_suspect"
	TooEasy           = "too_easy"
	TooHard           = "too_hard"
	LowDiscrimination = "low_discrimination"
	WeakDistractor    = "weak_distractor"
	Drift             = "drift"
	Overexposed       = "overexposed"
)

// Flag is a reason to look at an item. Wording is built by the caller from
// the code and the figures.
type Flag struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Value    float64  `json:"value"`             // the figure that tripped it
	Limit    float64  `json:"limit"`             // the threshold it crossed
	Option   int      `json:"option"`            // weak_distractor: authored index; else -1
	Earlier  float64  `json:"earlier,omitempty"` // drift: facility of the earlier half
	Recent   float64  `json:"recent,omitempty"`  // drift: facility of the recent half
	P        float64  `json:"p,omitempty"`       // drift, translation_suspect: two-sided p
	// Language is translation_suspect's language; Earlier is then the
	// English facility and Recent the translation's.
	Language string `json:"language,omitempty"`
}

// ItemStats are one item version's figures; pointers are nil below MinN.
type ItemStats struct {
	ID             string
	Version        int
	N              int
	Facility       *float64
	FacilityCI     *Interval // Wilson score interval
	ItemRest       *float64
	ItemRestCI     *Interval // Fisher z interval
	Discrimination *float64  // upper–lower (27 %) index
	MedianSeconds  *float64
	Exposure       float64 // share of the recent forms holding it (always shown)
	Options        []OptionStats
	// Languages splits the facility by delivery language, English first;
	// nil when every response was in one language.
	Languages []LanguageStats
	Flags     []Flag
}

// Bin is one histogram bar: percent scores in [From, To) (the last bin
// includes 100).
type Bin struct {
	From, To float64
	Count    int
}

// TestStats are the score distribution and reliability of a set of forms.
type TestStats struct {
	Attempts      int
	MeanPercent   *float64
	SDPercent     *float64
	MedianPercent *float64
	PassRate      *float64
	Alpha         *float64 // KR-20 / Cronbach's alpha over the forms given
	SEMPercent    *float64 // SD·√(1−alpha)
	// SEMCutPercent is Lord's conditional SEM at the cut score, in percent
	// points: the error of measurement where the pass decision is made.
	SEMCutPercent *float64
	Histogram     []Bin
}

// Result is everything Compute finds.
type Result struct {
	Items []ItemStats // in Input.Items order
	Test  TestStats
	MinN  int
}

func ptr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}
