package bank

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/apperr"
)

// TestImportKeepsTranslations: a YAML import that edits an item stores
// its translations in the new version (staged versions carry them too), a
// change to the German alone is a change, and an English GIFT import,
// which cannot carry translations, keeps the stored German while it fits.
func TestImportKeepsTranslations(t *testing.T) {
	ctx := context.Background()
	s := variantStore(t)
	if _, err := s.ImportVariants(ctx, "de", parseGIFT(t, germanGIFT), ImportOptions{Actor: "t"}); err != nil {
		t.Fatal(err)
	}
	it, _ := s.FindItemByID(ctx, "crm-dedupe") // version 2, with German
	var buf bytes.Buffer
	if err := WriteYAML(&buf, []Item{*it}); err != nil {
		t.Fatal(err)
	}
	yml := strings.Replace(buf.String(), "Von Hand zusammenführen", "Manuell zusammenführen", 1)
	yml = strings.Replace(yml, "Merge by hand", "Merge manually", 1)
	parsed, err := ParseYAML([]byte(yml), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Import(ctx, parsed, ImportOptions{Actor: "t"}); err != nil || res.Imported != 1 {
		t.Fatalf("YAML edit: %+v %v", res, err)
	}
	got, _ := s.FindItemByID(ctx, "crm-dedupe")
	if got.Version != 3 || got.Options[2].Text != "Merge manually" || got.Translations["de"].Options[2].Text != "Manuell zusammenführen" {
		t.Fatalf("after the YAML edit: v%d %q %+v", got.Version, got.Options[2].Text, got.Translations)
	}

	// German alone changed: a new version, not "unchanged".
	parsed, _ = ParseYAML([]byte(strings.Replace(yml, "Manuell zusammenführen", "Händisch zusammenführen", 1)), ParseOptions{})
	if res, err := s.Import(ctx, parsed, ImportOptions{Actor: "t"}); err != nil || res.Imported != 1 {
		t.Fatalf("German-only edit: %+v %v", res, err)
	}
	if got, _ := s.FindItemByID(ctx, "crm-dedupe"); got.Translations["de"].Options[2].Text != "Händisch zusammenführen" {
		t.Fatalf("German-only edit lost: %+v", got.Translations)
	}

	// English GIFT: the same English is unchanged, an edited stem keeps
	// the German.
	en := "::crm-dedupe::[markdown]Which step comes first when two CRM records describe the same person?{" +
		"=Pick the surviving record by a written rule#Yes: the rule decides.~Delete the older record~Merge manually" +
		"####A survivorship rule keeps merges consistent.}\n"
	gp := parseGIFT(t, "// @tiers: foundation\n"+strings.Replace(en, "::crm-dedupe::", "::crm-dedupe::", 1))
	gp[0].Item.Domain = Tools
	if res, err := s.Import(ctx, gp, ImportOptions{Actor: "t"}); err != nil || res.Unchanged != 1 {
		t.Fatalf("same English from GIFT: %+v %v", res, err)
	}
	gp = parseGIFT(t, "// @tiers: foundation\n"+strings.Replace(en, "comes first", "comes before any other", 1))
	gp[0].Item.Domain = Tools
	if _, err := s.Import(ctx, gp, ImportOptions{Actor: "t"}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.FindItemByID(ctx, "crm-dedupe")
	if !strings.Contains(got.Stem, "comes before any other") || got.Translations["de"].Stem == "" {
		t.Fatalf("GIFT edit dropped the German: %q %+v", got.Stem, got.Translations)
	}

	// An English edit the German no longer fits is a line error, not a
	// silent loss.
	gp = parseGIFT(t, "// @tiers: foundation\n"+strings.Replace(en, "~Delete the older record", "#Yes.~Delete the older record#No, it may be the better one.", 1))
	gp[0].Item.Domain = Tools
	_, err = s.Import(ctx, gp, ImportOptions{Actor: "t"})
	if ae, ok := apperr.As(err); !ok || len(ae.Lines) != 1 || !strings.Contains(ae.Lines[0].Message, "translation no longer fits") {
		t.Fatalf("err = %v", err)
	}
}
