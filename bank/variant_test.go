package bank

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db/dbtest"
)

func germanItem() *Item {
	return &Item{
		ID: "dsgvo-einwilligung", Status: Draft, Domain: Concepts, Tiers: []string{"foundation"}, Topic: "privacy",
		Type: Single, Stem: "Which lawful basis covers a newsletter sign-up?",
		Options: []Option{
			{Text: "Consent", Correct: true, Feedback: "Yes."},
			{Text: "Legitimate interest"},
			{Text: "Contract"},
		},
		Rationale: "Marketing email needs consent.",
		Translations: map[string]Variant{"de": {
			Stem: "Welche Rechtsgrundlage deckt eine Newsletter-Anmeldung ab?",
			Options: []VariantOption{
				{Text: "Einwilligung", Feedback: "Ja."},
				{Text: "Berechtigtes Interesse"},
				{Text: "Vertrag"},
			},
			Rationale: "Werbe-E-Mails brauchen eine Einwilligung.",
		}},
	}
}

func TestValidateTranslations(t *testing.T) {
	tests := []struct {
		name   string
		change func(it *Item)
		field  string // "" means valid
	}{
		{"valid", func(*Item) {}, ""},
		{"fewer options", func(it *Item) {
			v := it.Translations["de"]
			v.Options = v.Options[:2]
			it.Translations["de"] = v
		}, "translations.de.options"},
		{"empty option text", func(it *Item) {
			it.Translations["de"].Options[1].Text = ""
		}, "translations.de.options[1].text"},
		{"empty stem", func(it *Item) {
			v := it.Translations["de"]
			v.Stem = ""
			it.Translations["de"] = v
		}, "translations.de.stem"},
		{"unknown language", func(it *Item) {
			it.Translations["fr"] = it.Translations["de"]
		}, "translations.fr"},
		{"untranslated exhibit", func(it *Item) { it.Exhibit = "| a | b |\n|---|---|\n| 1 | 2 |" }, "translations.de.exhibit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := germanItem()
			tc.change(it)
			err := it.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("Validate = %v, want a fielded error on %s", err, tc.field)
			}
			if _, ok := ae.Fields[tc.field]; !ok {
				t.Errorf("fields %v lack %s", ae.Fields, tc.field)
			}
		})
	}
}

func TestLocalized(t *testing.T) {
	it := germanItem()
	de := it.Localized("de")
	if de.Stem != it.Translations["de"].Stem || de.Options[0].Text != "Einwilligung" || !de.Options[0].Correct {
		t.Errorf("German copy: %+v", de)
	}
	if it.Options[0].Text != "Consent" {
		t.Errorf("Localized changed the item: %+v", it.Options[0])
	}
	if en := it.Localized("en"); en.Stem != it.Stem {
		t.Errorf("English copy stem %q", en.Stem)
	}
	if !it.HasVariant("de") || (&Item{}).HasVariant("de") || !(&Item{}).HasVariant("en") {
		t.Error("HasVariant")
	}
}

// The translations are stored with each version and read back wherever a
// version is read.
func TestStoreKeepsTranslations(t *testing.T) {
	ctx := context.Background()
	s := NewStore(dbtest.Open(t), clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	it := germanItem()
	want := it.Translations
	if err := s.CreateItem(ctx, it, "admin"); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindItemByID(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Translations, want) {
		t.Errorf("read back %+v, want %+v", got.Translations, want)
	}
	// A new version without translations drops them; version 1 keeps its own.
	got.Translations = nil
	if err := s.UpdateItem(ctx, got, "admin"); err != nil {
		t.Fatal(err)
	}
	vs, err := s.ItemVersions(ctx, []Ref{{it.ID, 1}, {it.ID, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(vs[Ref{it.ID, 1}].Translations, want) || vs[Ref{it.ID, 2}].Translations != nil {
		t.Errorf("v1 %+v v2 %+v", vs[Ref{it.ID, 1}].Translations, vs[Ref{it.ID, 2}].Translations)
	}
}

// The German draw pool holds the active items with a German variant.
func TestDrawPoolLanguages(t *testing.T) {
	ctx := context.Background()
	s := NewStore(dbtest.Open(t), clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	de := germanItem()
	de.Status = Active
	en := germanItem()
	en.ID, en.Status, en.Translations = "lawful-basis-en", Active, nil
	for _, it := range []*Item{de, en} {
		if err := s.CreateItem(ctx, it, "admin"); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(lang string) []string {
		pool, err := s.DrawPoolIn(ctx, "foundation", lang)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range pool {
			out = append(out, e.ID)
		}
		return out
	}
	if got, want := ids("en"), []string{de.ID, en.ID}; !reflect.DeepEqual(got, want) {
		t.Errorf("English pool %v, want %v", got, want)
	}
	if got, want := ids("de"), []string{de.ID}; !reflect.DeepEqual(got, want) {
		t.Errorf("German pool %v, want %v", got, want)
	}
	if got := ids("fr"); got != nil {
		t.Errorf("French pool %v", got)
	}
}

// A translation's fields are walked like an option's: a field given twice
// is reported with both lines.
func TestYAMLTranslationFieldGivenTwice(t *testing.T) {
	src := `items:
  - id: twice
    domain: concepts
    type: true_false
    stem: "Is this a test?"
    options: [{text: "True", correct: true}, {text: "False"}]
    translations:
      de:
        stem: "Ist das ein Test?"
        stem: "Noch einmal?"
        options: [{text: "Wahr"}, {text: "Falsch"}]
`
	_, err := ParseYAML([]byte(src), ParseOptions{})
	if err == nil || !strings.Contains(err.Error(), "translations.de.stem is given twice (first on line 9)") {
		t.Fatalf("err = %v, want the second stem reported", err)
	}
}
