package exam

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

// germanize gives it a German variant, every text prefixed so a test can
// tell which language a candidate saw.
func germanize(it *bank.Item) {
	v := bank.Variant{Stem: "DE " + strings.Replace(it.Stem, "Which statement about", "Welche Aussage über", 1)}
	for _, o := range it.Options {
		v.Options = append(v.Options, bank.VariantOption{Text: "DE " + o.Text})
	}
	it.Translations = map[string]bank.Variant{"de": v}
}

// addGerman creates n active items of domain for tier with a German variant.
func (e *env) addGerman(tier string, d bank.Domain, n int) {
	e.tb.Helper()
	for i := 0; i < n; i++ {
		it := testItem(fmt.Sprintf("%s-%s-de-%03d", tier, strings.ReplaceAll(string(d), "_", "-"), i), tier, d, i)
		germanize(it)
		if err := e.bank.CreateItem(context.Background(), it, "test"); err != nil {
			e.tb.Fatalf("create item: %v", err)
		}
	}
}

func TestStartInGerman(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fill("mini", 2) // English only
	u := e.addUser("u1", "Uta")

	langs, err := e.svc.TierLanguages(ctx, "mini")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(langs, []string{"en"}) {
		t.Errorf("languages without German items = %v", langs)
	}
	_, err = e.svc.StartIn(ctx, u, "", "mini", "de")
	wantErr(t, err, ErrLanguageUnavailable)

	// One soft-skills item short of the blueprint is still unavailable.
	e.addGerman("mini", bank.Concepts, 2)
	e.addGerman("mini", bank.Tools, 2)
	_, err = e.svc.StartIn(ctx, u, "", "mini", "de")
	wantErr(t, err, ErrLanguageUnavailable)
	e.addGerman("mini", bank.SoftSkills, 1)

	if langs, _ = e.svc.TierLanguages(ctx, "mini"); !reflect.DeepEqual(langs, []string{"en", "de"}) {
		t.Errorf("languages with a German blueprint = %v", langs)
	}
	if _, err := e.svc.StartIn(ctx, u, "", "mini", "fr"); err == nil {
		t.Error("StartIn fr succeeded")
	}
	a, err := e.svc.StartIn(ctx, u, "", "mini", "de")
	if err != nil {
		t.Fatal(err)
	}
	if a.Language != "de" || e.count(`SELECT count(*) FROM attempts WHERE id = ? AND language = 'de'`, a.ID) != 1 {
		t.Errorf("attempt language %q not stored as de", a.Language)
	}
	again, err := e.svc.Attempt(ctx, u, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range again.Questions {
		if !strings.Contains(q.Stem, "Welche Aussage") {
			t.Errorf("%s stem not German: %s", q.ID, q.Stem)
		}
		for _, o := range q.Options {
			if !strings.HasPrefix(o.Text, "DE ") {
				t.Errorf("%s option %s not German: %s", q.ID, o.ID, o.Text)
			}
		}
	}
	// The key is the English item's: answering it scores full marks.
	e.answerAll(u, a.ID, len(a.Questions))
	res, err := e.svc.Submit(ctx, u, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.ScorePercent != 100 {
		t.Errorf("German attempt answered by the key scored %v", res.ScorePercent)
	}
}

// The same version renders per language: an English attempt after a German
// one shows the English text (the render cache is keyed by language).
func TestRenderCachePerLanguage(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for _, d := range bank.Domains {
		e.addGerman("mini", d, miniTier().Blueprint[d])
	}
	de, err := e.svc.StartIn(ctx, e.addUser("u1", "Uta"), "", "mini", "de")
	if err != nil {
		t.Fatal(err)
	}
	en, err := e.svc.StartIn(ctx, e.addUser("u2", "Ulf"), "", "mini", "")
	if err != nil {
		t.Fatal(err)
	}
	if en.Language != "en" {
		t.Errorf("default language %q", en.Language)
	}
	for i, q := range en.Questions {
		if strings.Contains(q.Stem, "Welche") || strings.HasPrefix(q.Options[0].Text, "DE ") {
			t.Errorf("English attempt %s shows German: %s", q.ID, q.Stem)
		}
		if !strings.Contains(de.Questions[i].Stem, "Welche") {
			t.Errorf("German attempt %s shows English: %s", de.Questions[i].ID, de.Questions[i].Stem)
		}
	}
}
