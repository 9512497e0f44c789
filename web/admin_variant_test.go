package web

import (
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

// variantItem is an English item with feedback and a rationale, and its
// full German variant when german is set.
func variantItem(id string, german bool) map[string]any {
	it := map[string]any{
		"id": id, "domain": "tools", "tiers": []string{"foundation"}, "topic": "data hygiene", "type": "single",
		"stem": "Which step comes first when two CRM records describe the same person?",
		"options": []map[string]any{
			{"text": "Pick the surviving record by a written rule", "correct": true, "feedback": "Yes: the rule decides."},
			{"text": "Delete the older record"}, {"text": "Merge by hand"}},
		"rationale": "A survivorship rule keeps merges consistent.",
	}
	if german {
		it["translations"] = map[string]any{"de": map[string]any{
			"stem": "Welcher Schritt kommt zuerst, wenn zwei CRM-Datensätze dieselbe Person beschreiben?",
			"options": []map[string]any{
				{"text": "Den überlebenden Datensatz nach einer schriftlichen Regel wählen", "feedback": "Ja: die Regel entscheidet."},
				{"text": "Den älteren Datensatz löschen"}, {"text": "Von Hand zusammenführen"}},
			"rationale": "Eine Survivorship-Regel hält Zusammenführungen einheitlich.",
		}}
	}
	return it
}

func TestItemEditorGermanVariant(t *testing.T) {
	ts := newTestServer(t)
	for _, it := range []map[string]any{variantItem("var-de", true), variantItem("var-en", false)} {
		if r := ts.call(t, "POST", "/api/v1/admin/items", ts.admin, it); r.status != 201 {
			t.Fatalf("create %s: %d %s", it["id"], r.status, r.body)
		}
	}
	b := ts.browser(t)
	b.signIn("admin@example.com", "admin password here", "/admin")

	t.Run("PageShowsGermanBesideEnglish", func(t *testing.T) {
		r := b.get("/admin/items/var-de?lang=en")
		body := html.UnescapeString(string(r.body))
		if r.status != 200 {
			t.Fatalf("%d", r.status)
		}
		for _, want := range []string{
			`<details class="field variant" id="variant-de" open>`,
			`<label for="de-stem">Stem in German</label>`,
			`>Welcher Schritt kommt zuerst, wenn zwei CRM-Datensätze dieselbe Person beschreiben?</textarea>`,
			// Each German option beside the English it translates.
			`English: <span lang="en" data-ref="opt-text">Delete the older record</span>`,
			`Option 2 in German <input name="de-opt-text" lang="de" value="Den älteren Datensatz löschen"`,
			`Feedback in German <input name="de-opt-feedback" lang="de" value="Ja: die Regel entscheidet."`,
			`>Eine Survivorship-Regel hält Zusammenführungen einheitlich.</textarea>`,
			"offered in German only when everything the English has is translated",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})
	t.Run("ItemWithoutGermanHasEmptyFields", func(t *testing.T) {
		r := b.get("/admin/items/var-en?lang=de")
		body := html.UnescapeString(string(r.body))
		for _, want := range []string{`<details class="field variant" id="variant-de" >`, "noch nicht übersetzt",
			`aria-describedby="ref-stem err-de-stem"></textarea>`, `Option 3 auf Deutsch <input name="de-opt-text" lang="de" value=""`} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})
	t.Run("SaveKeepsGerman", func(t *testing.T) {
		// What the editor sends: the item with its German, one version.
		in := variantItem("var-de", true)
		in["version"] = 1
		de := in["translations"].(map[string]any)["de"].(map[string]any)
		de["stem"] = "Was kommt zuerst, wenn zwei CRM-Datensätze dieselbe Person beschreiben?"
		if r := ts.call(t, "PUT", "/api/v1/admin/items/var-de", ts.admin, in); r.status != 200 {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		var got bank.Item
		ts.call(t, "GET", "/api/v1/admin/items/var-de", ts.admin, nil).decode(t, &got)
		if got.Version != 2 || got.Translations["de"].Stem != de["stem"] || got.Translations["de"].Options[1].Text != "Den älteren Datensatz löschen" {
			t.Errorf("saved v%d %+v", got.Version, got.Translations)
		}
		if !strings.Contains(html.UnescapeString(string(b.get("/admin/items/var-de").body)), `>Was kommt zuerst, wenn`) {
			t.Errorf("the page does not show the saved German")
		}
	})
	t.Run("PartialGermanRefusedAtTheField", func(t *testing.T) {
		in := variantItem("var-de", true)
		de := in["translations"].(map[string]any)["de"].(map[string]any)
		de["options"].([]map[string]any)[1]["text"] = ""
		r := ts.call(t, "PUT", "/api/v1/admin/items/var-de", ts.admin, in)
		var e struct {
			Error struct{ Fields map[string]string } `json:"error"`
		}
		r.decode(t, &e)
		if r.status != 422 || e.Error.Fields["translations.de.options[1].text"] == "" {
			t.Fatalf("partial German: %d %s", r.status, r.body)
		}
		in["options"] = in["options"].([]map[string]any)[:2]
		de["options"].([]map[string]any)[1]["text"] = "Löschen"
		r = ts.call(t, "PUT", "/api/v1/admin/items/var-de", ts.admin, in)
		r.decode(t, &e)
		if r.status != 422 || !strings.Contains(e.Error.Fields["translations.de.options"], "has 2 options; the translation has 3") {
			t.Fatalf("German with more options: %d %s", r.status, r.body)
		}
	})
	t.Run("PreviewRendersGermanAndLintsIt", func(t *testing.T) {
		in := variantItem("var-de", true)
		de := in["translations"].(map[string]any)["de"].(map[string]any)
		de["stem"] = "Welcher Schritt kommt **zuerst**?"
		de["options"].([]map[string]any)[2]["text"] = ""
		var p struct {
			Variants map[string]struct {
				Stem    string
				Options []string
			}
			Findings []bank.Finding
		}
		r := ts.call(t, "POST", "/api/v1/admin/items/preview", ts.admin, in)
		r.decode(t, &p)
		if r.status != 200 || !strings.Contains(p.Variants["de"].Stem, "<strong>zuerst</strong>") || len(p.Variants["de"].Options) != 3 {
			t.Fatalf("preview: %d %s", r.status, r.body)
		}
		found := false
		for _, f := range p.Findings {
			if f.Field == "translations.de.options[2].text" && strings.HasPrefix(f.Message, "German option 3:") {
				found = true
			}
		}
		if !found {
			t.Errorf("no finding on the empty German option: %+v", p.Findings)
		}
	})
}

func TestImportGerman(t *testing.T) {
	ts := newTestServer(t)
	if r := ts.call(t, "POST", "/api/v1/admin/items", ts.admin, variantItem("var-en", false)); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	gift := "::var-en::Welcher Schritt kommt zuerst?{=Regel#Ja.~Löschen~Hand####Weil.}\n"
	version := func() int {
		var it bank.Item
		ts.call(t, "GET", "/api/v1/admin/items/var-en", ts.admin, nil).decode(t, &it)
		return it.Version
	}

	var res struct {
		Imported int
		Items    []string
		DryRun   bool `json:"dry_run"`
		Language string
	}
	r := ts.call(t, "POST", "/api/v1/admin/bank/import?format=gift&language=de&dry_run=1", ts.admin, gift)
	r.decode(t, &res)
	if r.status != 200 || res.Imported != 1 || res.Items[0] != "var-en" || !res.DryRun || res.Language != "de" || version() != 1 {
		t.Fatalf("dry run: %d %s (version %d)", r.status, r.body, version())
	}
	r = ts.call(t, "POST", "/api/v1/admin/bank/import?format=gift&language=de", ts.admin, gift)
	if r.status != 200 || version() != 2 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	var it bank.Item
	ts.call(t, "GET", "/api/v1/admin/items/var-en", ts.admin, nil).decode(t, &it)
	if it.Translations["de"].Stem != "Welcher Schritt kommt zuerst?" || it.Stem != variantItem("", false)["stem"] {
		t.Errorf("stored %q / %q", it.Translations["de"].Stem, it.Stem)
	}

	r = ts.call(t, "POST", "/api/v1/admin/bank/import?format=gift&language=de", ts.admin, "\n"+strings.Replace(gift, "~Hand", "", 1))
	if r.status != 422 || r.code() != "import_failed" || !strings.Contains(string(r.body), `"line":2`) {
		t.Errorf("option count mismatch: %d %s", r.status, r.body)
	}
	r = ts.call(t, "POST", "/api/v1/admin/bank/import?format=yaml&language=de", ts.admin, "items: []\n")
	if r.status != 422 || !strings.Contains(string(r.body), `"language"`) {
		t.Errorf("YAML in German: %d %s", r.status, r.body)
	}

	// The page: the language travels from the check to the confirmation.
	b := ts.browser(t)
	b.signIn("admin@example.com", "admin password here", "/admin")
	b.get("/admin/import?lang=en")
	p := b.post("/admin/import?lang=en", url.Values{"format": {"gift"}, "language": {"de"}, "dry_run": {"1"},
		"content": {strings.Replace(gift, "zuerst", "als Erstes", 1)}})
	body := string(p.body)
	if p.status != 200 || !strings.Contains(body, "German: Ready to import 1 item") || !strings.Contains(body, `name="language" value="de"`) {
		t.Fatalf("German check on the page: %d\n%s", p.status, body)
	}
	p = b.post("/admin/import?lang=en", url.Values{"format": {"gift"}, "language": {"de"},
		"content": {strings.Replace(gift, "zuerst", "als Erstes", 1)}})
	if p.status != 200 || version() != 3 {
		t.Fatalf("German import on the page: %d, version %d", p.status, version())
	}
}
