package stats

import (
	"math"
	"sort"
)

// English is the language items are authored in; the other languages'
// facilities are compared with it.
const English = "en"

// TranslationSuspect flags a variant whose facility differs significantly
// from the English one: a translation that asks a harder (or an easier,
// giveaway) question than the item.
const TranslationSuspect = "translation_suspect"

// LanguageStats is an item's facility among the attempts delivered in one
// language. Facility is nil below MinN.
type LanguageStats struct {
	Language   string    `json:"language"`
	N          int       `json:"n"`
	Facility   *float64  `json:"facility"`
	FacilityCI *Interval `json:"facility_ci,omitempty"`
}

// byLanguage splits an item's scores by the language of their attempts and
// flags each non-English language whose facility differs from English by a
// two-proportion z-test (two-sided p < th.TranslationP), when both have at
// least MinN responses. Items answered in one language only get no split.
func byLanguage(langs []string, score []float64, th Thresholds) ([]LanguageStats, []Flag) {
	sum := map[string]float64{}
	n := map[string]int{}
	for k, l := range langs {
		if l == "" {
			l = English
		}
		sum[l] += score[k]
		n[l]++
	}
	if len(n) < 2 {
		return nil, nil
	}
	keys := make([]string, 0, len(n))
	for l := range n {
		keys = append(keys, l)
	}
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i] == English) != (keys[j] == English) {
			return keys[i] == English
		}
		return keys[i] < keys[j]
	})
	out := make([]LanguageStats, len(keys))
	for i, l := range keys {
		out[i] = LanguageStats{Language: l, N: n[l]}
		if n[l] >= th.MinN {
			f := sum[l] / float64(n[l])
			out[i].Facility = ptr(f)
			out[i].FacilityCI = wilson(f, n[l])
		}
	}
	var flags []Flag
	en := out[0]
	if en.Language != English || en.Facility == nil {
		return out, nil
	}
	for _, ls := range out[1:] {
		if ls.Facility == nil {
			continue
		}
		p := twoProportionP(*en.Facility, en.N, *ls.Facility, ls.N)
		if p < th.TranslationP {
			flags = append(flags, Flag{Code: TranslationSuspect, Severity: High, Value: *ls.Facility - *en.Facility,
				Limit: th.TranslationP, Option: -1, P: p, Language: ls.Language,
				Earlier: *en.Facility, Recent: *ls.Facility})
		}
	}
	return out, flags
}

// twoProportionP is the two-sided p of the pooled two-proportion z-test
// (the same test as drift). Partial credit enters as a proportion of
// credit, as it does in the facility.
func twoProportionP(p1 float64, n1 int, p2 float64, n2 int) float64 {
	pool := (p1*float64(n1) + p2*float64(n2)) / float64(n1+n2)
	se := math.Sqrt(pool * (1 - pool) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 1
	}
	return math.Erfc(math.Abs(p2-p1) / se / math.Sqrt2)
}
