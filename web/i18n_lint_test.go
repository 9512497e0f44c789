package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

func init() { extraErrorCases = append(extraErrorCases, lintErrors) }

// lintCleanItem is a well-written item with no findings; each lint case
// changes one thing about it.
func lintCleanItem() *bank.Item {
	return &bank.Item{
		ID: "lead-scoring-basics", Status: bank.Draft, Domain: bank.Concepts, Tiers: []string{"foundation"},
		Topic: "Lead management", Competency: "lifecycle.scoring", Type: bank.Single,
		Stem: "A marketing team wants sales to follow up first on the leads most likely to buy. Which practice helps them do this?",
		Options: []bank.Option{
			{Text: "Score leads on fit and engagement", Correct: true, Feedback: "Right: scoring ranks leads."},
			{Text: "Send each new lead to sales at once"},
			{Text: "Email the whole database weekly"},
			{Text: "Buy a larger contact list"},
		},
		Rationale: "Scoring combines fit and engagement so the best leads reach sales first.",
		Source:    "MOps seed article: lead management",
	}
}

// lintCases are items that set off each coded lint rule, by what they try.
var lintCases = map[string]func(it *bank.Item){
	"vendor in feedback": func(it *bank.Item) { it.Options[0].Feedback = "See **HubSpot** reports." },
	"negative stem":      func(it *bank.Item) { it.Stem = "Which of the following is not a lead status?" },
	"short stem":         func(it *bank.Item) { it.Stem = "Define MQL?" },
	"long stem":          func(it *bank.Item) { it.Stem = strings.Repeat("lead ", 1200) + "score?" },
	"all of the above":   func(it *bank.Item) { it.Options[3].Text = "All of the above" },
	"option echoes stem": func(it *bank.Item) {
		it.Stem = "Which metric tracks email engagement over time?"
		it.Options[1].Text = "The email engagement metric tracked over time"
	},
	"absolute distractor": func(it *bank.Item) { it.Options[2].Text = "Always email the whole database" },
	"longest key": func(it *bank.Item) {
		it.Options[0].Text = "Score leads on demographic fit and on behavioural engagement, then route the best to sales first"
	},
	"no rationale, source": func(it *bank.Item) { it.Rationale, it.Source = " ", "" },
	"no competency":        func(it *bank.Item) { it.Competency = "" },
	"unknown competency":   func(it *bank.Item) { it.Competency = "lifecycle.nope" },
	"competency elsewhere": func(it *bank.Item) { it.Domain = bank.Tools },
	"multiple, no count": func(it *bank.Item) {
		it.Type = bank.Multiple
		it.Stem = "A marketing team wants sales to follow up first on the best leads. Which practices help?"
		it.Options[1].Correct = true
	},
	"multiple, wrong count": func(it *bank.Item) {
		it.Type = bank.Multiple
		it.Stem = "A marketing team wants sales to follow up first on the best leads. Which practices help? Select three."
		it.Options[1].Correct = true
	},
	"active, no competency": func(it *bank.Item) { it.Status, it.Competency = bank.Active, "" },
	"german vendor": func(it *bank.Item) {
		it.Translations = map[string]bank.Variant{"de": {Stem: "Welche Praxis hilft dem Team in **Marketo**, zuerst die besten Leads zu bearbeiten?",
			Options:   []bank.VariantOption{{Text: "Leads bewerten", Feedback: "Richtig."}, {Text: "Jeden Lead sofort an den Vertrieb"}, {Text: "Alle wöchentlich anschreiben"}, {Text: "Eine größere Liste kaufen"}},
			Rationale: "Die Bewertung bringt die besten Leads zuerst zum Vertrieb."}}
	},
}

// lintFindings lints each case's item as the editor's preview does (a
// strict linter, so an active item without a competency is an error).
func lintFindings(t *testing.T) map[string][]bank.Finding {
	l := bank.NewLinter(nil)
	l.Strict = true
	out := map[string][]bank.Finding{}
	for name, edit := range lintCases {
		it := lintCleanItem()
		edit(it)
		it.Normalize()
		fs := l.Item(it)
		for lang := range it.Translations {
			fs = append(fs, l.Variant(it, lang)...)
		}
		if len(fs) == 0 {
			t.Fatalf("lint case %q: no findings", name)
		}
		out[name] = fs
	}
	return out
}

// lintErrors hands each coded finding's sentence to TestErrorsEnglishUnchanged
// as an error's detailed message, so the English catalogue is compared with
// the sentence bank wrote and German checked to differ.
func lintErrors(t *testing.T, _ *testServer) map[string]error {
	out := map[string]error{}
	for name, fs := range lintFindings(t) {
		for i, f := range fs {
			if strings.HasPrefix(f.Msg.Code, "lint_") {
				out[fmt.Sprintf("lint: %s #%d (%s)", name, i, f.Rule)] = bank.ErrLintBlocks.Worded(f.Msg)
			}
		}
	}
	return out
}

// TestLintFindingsWorded: each finding reads in English exactly as bank
// wrote it, label included, when web words it from its field and code, and
// in German differs from the English with no argument left unfilled.
func TestLintFindingsWorded(t *testing.T) {
	en, de := localeFor("en"), localeFor("de")
	worded := 0
	for name, fs := range lintFindings(t) {
		for _, f := range fs {
			if f.Msg.Code == "" {
				continue
			}
			worded++
			if got := en.findingMessage(f); got != f.Message {
				t.Errorf("%s: English %q, bank says %q", name, got, f.Message)
			}
			// The English label from the catalogue is bank's label.
			if label := en.findingLabel(f.Field); !strings.HasPrefix(f.Message, label+": ") {
				t.Errorf("%s: English label %q, bank says %q", name, label, f.Message)
			}
			got := de.findingMessage(f)
			if got == f.Message || strings.Contains(got, "<no value>") || strings.Contains(got, "admin.lint.") {
				t.Errorf("%s: German %q", name, got)
			}
		}
	}
	if worded == 0 {
		t.Fatal("no finding has a code")
	}
}

func TestFindingLabel(t *testing.T) {
	for _, tt := range []struct{ key, en, de string }{
		{"", "Item", "Frage"},
		{"stem", "Stem", "Fragestamm"},
		{"options", "Options", "Antwortoptionen"},
		{"options[2].text", "Option 3", "Option 3"},
		{"options[0].feedback", "Feedback on option 1", "Rückmeldung zu Option 1"},
		{"options[1].match", "Match of option 2", "Passende Antwort zu Option 2"},
		{"tiers[0]", "Tier 1", "Stufe 1"},
		{"translations.de.stem", "German stem", "Fragestamm auf Deutsch"},
		{"translations.de.options[3].text", "German option 4", "Option 4 auf Deutsch"},
		{"numeric.unit", "Numeric.unit", "Numeric.unit"}, // no name: as bank names it
	} {
		if got := localeFor("de").findingLabel(tt.key); got != tt.de {
			t.Errorf("de %q: %q, want %q", tt.key, got, tt.de)
		}
		if got := localeFor("en").findingLabel(tt.key); got != tt.en {
			t.Errorf("en %q: %q, want %q", tt.key, got, tt.en)
		}
	}
}

// TestPreviewFindingsGerman: the editor's preview, through the real
// handler, words the findings in the request's language and leaves the
// English ones as they were.
func TestPreviewFindingsGerman(t *testing.T) {
	ts := newTestServer(t)
	in := variantItem("lint-de", false)
	in["stem"] = "Which of the following is not a lead status?"
	delete(in, "rationale")
	var got = map[string][]bank.Finding{}
	for _, lang := range []string{"en", "de"} {
		var p struct{ Findings []bank.Finding }
		r := ts.call(t, "POST", "/api/v1/admin/items/preview?lang="+lang, ts.admin, in)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", lang, r.status, r.body)
		}
		r.decode(t, &p)
		got[lang] = p.Findings
	}
	want := map[string]map[string]string{
		"en": {"negative_stem": "Stem: The negative “not” is easy to miss.", "missing_rationale": "Rationale: Missing. Explain why"},
		"de": {"negative_stem": "Fragestamm: Die Verneinung „not“ wird leicht überlesen.", "missing_rationale": "Begründung: Fehlt. Erklären Sie"},
	}
	for lang, rules := range want {
		for rule, prefix := range rules {
			found := false
			for _, f := range got[lang] {
				if f.Rule == rule {
					found = true
					if !strings.HasPrefix(f.Message, prefix) {
						t.Errorf("%s %s: %q, want it to start %q", lang, rule, f.Message, prefix)
					}
				}
			}
			if !found {
				t.Errorf("%s: no %s finding in %+v", lang, rule, got[lang])
			}
		}
	}
	if len(got["en"]) != len(got["de"]) {
		t.Errorf("en has %d findings, de %d", len(got["en"]), len(got["de"]))
	}
}
