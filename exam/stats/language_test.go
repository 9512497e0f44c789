package stats

import "testing"

// responses builds n scores with k right, in language lang.
func responses(langs *[]string, score *[]float64, lang string, n, k int) {
	for i := 0; i < n; i++ {
		*langs = append(*langs, lang)
		s := 0.0
		if i < k {
			s = 1
		}
		*score = append(*score, s)
	}
}

func TestByLanguage(t *testing.T) {
	th := DefaultThresholds()
	tests := []struct {
		name            string
		en, enRight     int
		de, deRight     int
		wantSplit       bool
		wantFlag        bool
		wantDeFacilityN bool // German facility computed (n ≥ MinN)
	}{
		{"english only", 100, 60, 0, 0, false, false, false},
		{"same facility", 100, 60, 100, 58, true, false, true},
		{"german much harder", 100, 70, 100, 20, true, true, true},
		{"german much easier", 100, 30, 100, 80, true, true, true},
		{"small difference", 100, 60, 100, 52, true, false, true},
		{"german below min n", 100, 70, 20, 0, true, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var langs []string
			var score []float64
			responses(&langs, &score, "", tc.en, tc.enRight) // "" is English
			responses(&langs, &score, "de", tc.de, tc.deRight)
			ls, flags := byLanguage(langs, score, th)
			if (ls != nil) != tc.wantSplit {
				t.Fatalf("split %+v", ls)
			}
			if (len(flags) == 1) != tc.wantFlag || len(flags) > 1 {
				t.Fatalf("flags %+v", flags)
			}
			if !tc.wantSplit {
				return
			}
			if ls[0].Language != "en" || ls[0].N != tc.en || ls[1].Language != "de" || ls[1].N != tc.de {
				t.Errorf("split %+v", ls)
			}
			if (ls[1].Facility != nil) != tc.wantDeFacilityN {
				t.Errorf("German facility %v", ls[1].Facility)
			}
			if tc.wantFlag {
				f := flags[0]
				wantV := float64(tc.deRight)/float64(tc.de) - float64(tc.enRight)/float64(tc.en)
				if f.Code != TranslationSuspect || f.Language != "de" || f.P >= th.TranslationP || !approxEq(f.Value, wantV) {
					t.Errorf("flag %+v, want value %v", f, wantV)
				}
			}
		})
	}
}

func approxEq(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// Compute carries the attempt's language into the item's split.
func TestComputeSplitsByLanguage(t *testing.T) {
	in := Input{Items: []Item{{ID: "x", Version: 1}}}
	for i := 0; i < 80; i++ {
		lang, s := "en", 0.0
		if i%2 == 1 {
			lang = "de"
		}
		if lang == "en" && i%4 != 0 || lang == "de" && i%16 == 1 {
			s = 1
		}
		in.Attempts = append(in.Attempts, Attempt{Language: lang, Responses: []Response{{Item: 0, Score: s}}})
	}
	in.Thresholds.MinN = 30
	st := Compute(in).Items[0]
	if len(st.Languages) != 2 || st.Languages[0].N != 40 || st.Languages[1].N != 40 {
		t.Fatalf("languages %+v", st.Languages)
	}
	var got *Flag
	for i := range st.Flags {
		if st.Flags[i].Code == TranslationSuspect {
			got = &st.Flags[i]
		}
	}
	if got == nil || got.Earlier != 0.5 || got.Recent != 0.125 {
		t.Errorf("flags %+v, languages en %v de %v", st.Flags, *st.Languages[0].Facility, *st.Languages[1].Facility)
	}
}
