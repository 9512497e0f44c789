package simulate

import (
	"context"
	"testing"
	"time"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam/stats"
)

// germanizeBank gives every item of ids a German variant through the bank
// store (a new version each), as an administrator would.
func (e *env) germanizeBank(t *testing.T, ids []string) {
	t.Helper()
	ctx := context.Background()
	for _, id := range ids {
		it, err := e.bank.FindItemByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		v := bank.Variant{Stem: "Welche Vorgehensweise passt zu dieser Situation?"}
		for _, o := range []string{"Richtig", "Falsch eins", "Falsch zwei", "Falsch drei"} {
			v.Options = append(v.Options, bank.VariantOption{Text: o})
		}
		it.Translations = map[string]bank.Variant{"de": v}
		if err := e.bank.UpdateItem(ctx, it, "test"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPlantedTranslationError: half the candidates take the exam in German;
// one item's German variant is much harder than its English. That item, and
// no other, is flagged translation_suspect, and every item's facility is
// split by language.
func TestPlantedTranslationError(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation: skipped with -short")
	}
	ctx := context.Background()
	e := newEnv(t)
	ids := e.fillBank(t)
	e.germanizeBank(t, ids)
	bad := ids[5]
	m := Model{
		Items:    map[string]ItemParams{bad: {Difficulty: -0.5}},
		Variants: map[string]map[string]ItemParams{bad: {"de": {Difficulty: 2.5}}},
	}
	r := e.runner(m)
	r.Languages = []string{"en", "de"}
	if _, err := r.Run(ctx, "foundation", 240); err != nil {
		t.Fatal(err)
	}
	ts, err := e.exams.TierStats(ctx, "foundation", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range ts.Items {
		if len(it.Languages) != 2 || it.Languages[0].Language != "en" || it.Languages[1].Language != "de" {
			t.Errorf("%s: languages %+v", it.ID, it.Languages)
			continue
		}
		f := flagged(it, stats.TranslationSuspect)
		if it.ID != bad {
			if f != nil {
				t.Errorf("%s: sound translation flagged: %+v", it.ID, *f)
			}
			continue
		}
		found = f != nil
		if f == nil {
			t.Errorf("%s: planted translation error not flagged; languages %+v", it.ID, it.Languages)
			continue
		}
		if f.Language != "de" || f.P >= 0.01 || f.Value >= 0 || f.Recent >= f.Earlier {
			t.Errorf("%s: flag %+v", it.ID, *f)
		}
	}
	if !found {
		t.Errorf("%s missing from the statistics", bad)
	}
}
