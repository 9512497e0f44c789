package defaultbank

import (
	"strings"
	"testing"
	"testing/fstest"
)

const englishFixture = `items:
  - id: fnd-privacy-preticked-box
    status: active
    domain: concepts
    tiers: [foundation]
    topic: consent
    type: single
    stem: A sign-up form in the EU has a pre-ticked box. Is that valid consent under the GDPR?
    options:
      - text: "Yes, if the linked privacy notice names the purposes"
      - text: "No: a default left in place is no clear affirmative act"
        correct: true
        feedback: "Right. Recital 32 GDPR."
    rationale: Art. 4(11) GDPR.
    source: GDPR Recital 32
`

// translationFixture is cut down from foundation/de/privacy.yaml (kept
// short and separate so the merge checks do not depend on shipped content).
const translationFixture = `translations:
  - id: fnd-privacy-preticked-box
    stem: Ein Anmeldeformular in der EU enthält ein bereits angekreuztes Kästchen. Ist das eine wirksame Einwilligung nach der DSGVO?
    options:
      - text: "Ja, sofern die verlinkte Datenschutzerklärung die Zwecke nennt"
      - text: "Nein: Eine belassene Voreinstellung ist keine eindeutige bestätigende Handlung"
        feedback: "Richtig. Erwägungsgrund 32 DSGVO."
    rationale: Art. 4 Nr. 11 DSGVO.
`

func TestMergeTranslations(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string // "" means the merge succeeds
	}{
		{"merged", map[string]string{"foundation/de/privacy.yaml": translationFixture}, ""},
		{"no translations", nil, ""},
		{"unknown id", map[string]string{"foundation/de/privacy.yaml": strings.Replace(translationFixture, "preticked-box", "preticked-bux", 1)},
			`unknown item "fnd-privacy-preticked-bux"`},
		{"option count", map[string]string{"foundation/de/privacy.yaml": strings.Replace(translationFixture, "    rationale:", "      - text: Vielleicht\n    rationale:", 1)},
			"has 2 options, its de translation 3"},
		{"twice", map[string]string{"foundation/de/privacy.yaml": translationFixture, "foundation/de/privacy2.yaml": translationFixture},
			"translated to de twice"},
		{"unknown language", map[string]string{"foundation/fr/privacy.yaml": translationFixture}, `"fr" is not a translation language`},
		{"unknown field", map[string]string{"foundation/de/privacy.yaml": strings.Replace(translationFixture, "    rationale:", "    correct: 1\n    rationale:", 1)},
			"field correct not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"foundation/privacy.yaml": {Data: []byte(englishFixture)}}
			for n, s := range tc.files {
				fsys[n] = &fstest.MapFile{Data: []byte(s)}
			}
			items, err := itemsFrom(fsys)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 1 {
				t.Fatalf("%d items", len(items))
			}
			it := items[0]
			it.Normalize()
			if err := it.Validate(); err != nil {
				t.Fatalf("merged item does not validate: %v", err)
			}
			de, ok := it.Translations["de"]
			if tc.files == nil {
				if ok {
					t.Errorf("German variant without a de/ file: %+v", de)
				}
				return
			}
			if !ok || !strings.HasPrefix(de.Stem, "Ein Anmeldeformular") || de.Options[1].Feedback != "Richtig. Erwägungsgrund 32 DSGVO." {
				t.Errorf("German variant %+v", de)
			}
			if loc := it.Localized("de"); !loc.Options[1].Correct || loc.Options[0].Correct {
				t.Errorf("the key moved with the translation: %+v", loc.Options)
			}
		})
	}
}
