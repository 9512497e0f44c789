package exam

import (
	"context"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

// numberTier is a tier of one numeric item (key 34000, in both languages)
// and one single-choice item, both concepts.
func (e *env) numberTier() {
	e.tb.Helper()
	t := miniTier()
	t.Code, t.Name, t.Level, t.PassPercent = "num", "Numbers", 12, 50
	t.Blueprint = Blueprint{bank.Concepts: 2}
	e.addTier(t)
	num := &bank.Item{ID: "num-budget", Type: bank.Numeric, Stem: "What is the annual budget in euros?",
		Numeric: &bank.NumericKey{Value: 34000, Unit: "€"}}
	num.Translations = map[string]bank.Variant{"de": {Stem: "Wie hoch ist das Jahresbudget in Euro?"}}
	choice := testItem("num-choice", "num", bank.Concepts, 0)
	germanize(choice)
	for _, it := range []*bank.Item{num, choice} {
		it.Status, it.Domain, it.Tiers = bank.Active, bank.Concepts, []string{"num"}
		if err := e.bank.CreateItem(context.Background(), it, "test"); err != nil {
			e.tb.Fatalf("create %s: %v", it.ID, err)
		}
	}
}

// TestNumberInAttemptLanguage: a typed number is read in the attempt's
// language at save, at grading and at a regrade, so "34.000" is the key in
// a German attempt and 34 in an English one.
func TestNumberInAttemptLanguage(t *testing.T) {
	tests := []struct {
		lang, typed string
		want        float64 // score percent with the choice item wrong
	}{
		{"de", "34.000", 50},
		{"de", "34000 €", 50},
		{"de", "34,000", 0}, // German: 34
		{"en", "34,000", 50},
		{"en", "34.000", 0}, // English: 34
		{"en", "34000", 50},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.typed, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t)
			e.numberTier()
			u := e.addUser("u1", "Uta")
			a, err := e.svc.StartIn(ctx, u, "", "num", tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			k := e.key(a.ID)
			for _, q := range a.Questions {
				var in AnswerInput
				if q.Type == bank.Numeric {
					in.Value = tt.typed
				} else {
					in.Choices = wrongChoice(k[q.ID])
				}
				if _, err := e.svc.SaveResponse(ctx, u, a.ID, q.ID, in); err != nil {
					t.Fatalf("save %s %+v: %v", q.ID, in, err)
				}
			}
			res, err := e.svc.Submit(ctx, u, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if res.ScorePercent != tt.want {
				t.Fatalf("%s attempt with %q scored %v, want %v", tt.lang, tt.typed, res.ScorePercent, tt.want)
			}
			// Crediting everyone for the choice item re-scores the stored
			// number too: it must read as it did at submission.
			if _, err := e.svc.Regrade(ctx, RegradeRequest{ItemID: "num-choice", Action: RegradeCreditAll,
				Reason: "two defensible answers"}, "lead@example.com"); err != nil {
				t.Fatal(err)
			}
			var after float64
			if err := e.db.R.QueryRow(`SELECT score_percent FROM attempts WHERE id = ?`, a.ID).Scan(&after); err != nil {
				t.Fatal(err)
			}
			if after != tt.want+50 {
				t.Errorf("after the regrade %q scored %v, want %v", tt.typed, after, tt.want+50)
			}
		})
	}
}
