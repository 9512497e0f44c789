package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
)

func init() { extraErrorCases = append(extraErrorCases, importErrors) }

// aikenQ is one Aiken question with two options and its answer.
func aikenQ(id, stem string) string {
	s := stem + "\nA. Score leads\nB. Buy a list\nANSWER: A\n\n"
	if id != "" {
		s = "ID: " + id + "\n" + s
	}
	return s
}

// importFiles are files the parsers reject, by what they try: each makes
// one or more of the coded line messages.
var importFiles = map[string]struct {
	data string
	max  int
}{
	"utf-16":             {"\xFF\xFEW\x00", 0},
	"not utf-8":          {"Which?\n\xff\n", 0},
	"control character":  {"Which\x07?\n", 0},
	"id used twice":      {aikenQ("lead-one", "Which practice helps?") + aikenQ("lead-one", "Which practice also helps?"), 0},
	"too many":           {aikenQ("", "Which practice helps?") + aikenQ("", "Which other practice helps?"), 1},
	"no questions":       {"\n\n", 0},
	"second id line":     {"ID: lead-one\nID: lead-two\n" + aikenQ("", "Which?"), 0},
	"bad id":             {"ID: Not-An-Id\n" + aikenQ("", "Which?"), 0},
	"option first":       {"A. Score leads\n\n" + aikenQ("", "Which?"), 0},
	"answer first":       {"ANSWER: A\n\n" + aikenQ("", "Which?"), 0},
	"no answer, next":    {"Which?\nA. One\nB. Two\nWhat else?\nA. x\nB. y\nANSWER: A\n", 0},
	"no answer at end":   {aikenQ("", "Which?") + "What else?\nA. x\nB. y\n", 0},
	"id line alone":      {aikenQ("", "Which?") + "ID: lead-end\n", 0},
	"one option":         {"Which?\nA. One\nANSWER: A\n", 0},
	"letter twice":       {"Which?\nA. One\nA. Two\nANSWER: A\n", 0},
	"answer empty":       {"Which?\nA. One\nB. Two\nANSWER:\n", 0},
	"answer two letters": {"Which?\nA. One\nB. Two\nANSWER: AB\n", 0},
	"answer unknown":     {"Which?\nA. One\nB. Two\nANSWER: C\n", 0},
}

// giftFiles are GIFT files the parser rejects with a coded message.
var giftFiles = map[string]string{
	"question too long": "Which?" + strings.Repeat("\nmore text", 9000) + "{=A ~B}\n",
	"orphan comment":    "// @tiers: foundation\n\nWhich?{=A ~B}\n",
	"category":          "$CATEGORY: leads\nWhich?{=A ~B}\n",
	"stray close":       "Which is it}\n",
	"unclosed":          "Which?{=A ~B\n",
	"close first":       "Which} is it?{=A ~B\n",
	"comment twice":     "// @source: a\n// @source: b\nWhich?{=A ~B}\n",
	"comment unknown":   "// @colour: red\nWhich?{=A ~B}\n",
}

// yamlFiles are YAML files the parser rejects with a coded message.
var yamlFiles = map[string]string{
	"second document":   "items:\n- stem: Which?\n---\nitems: []\n",
	"top field":         "colour: red\n",
	"no items":          "{}\n",
	"items twice":       "items: []\nitems: []\n",
	"field twice":       "items:\n- stem: Which?\n  stem: Why?\n",
	"version, unknown":  "items:\n- version: 2\n  colour: red\n",
	"numeric, no value": "items:\n- type: numeric\n  numeric: {tolerance: 1}\n",
}

// importLineErrors turns each coded line of err into an error whose
// detailed message is the line's, for TestErrorsEnglishUnchanged.
func importLineErrors(t *testing.T, name string, err error, out map[string]error) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || len(ae.Lines) == 0 {
		t.Fatalf("import %q: %v, want line errors", name, err)
	}
	for i, l := range ae.Lines {
		if l.Code != "" {
			out[fmt.Sprintf("import: %s #%d", name, i)] = ae.Worded(apperr.Msg{Code: l.Code, Args: l.Args, Message: l.Message})
		}
	}
}

// importErrors are the coded import line messages, from the parsers and,
// for those that need the bank (a void item, a translation), its store.
func importErrors(t *testing.T, ts *testServer) map[string]error {
	out := map[string]error{}
	for name, f := range importFiles {
		_, err := bank.ParseAiken([]byte(f.data), bank.ParseOptions{MaxItems: f.max})
		importLineErrors(t, name, err, out)
	}
	for name, data := range giftFiles {
		_, _, err := bank.ParseGIFT([]byte(data), bank.ParseOptions{})
		importLineErrors(t, "gift: "+name, err, out)
	}
	for name, data := range yamlFiles {
		_, err := bank.ParseYAML([]byte(data), bank.ParseOptions{})
		importLineErrors(t, "yaml: "+name, err, out)
	}
	ctx := context.Background()
	if r := ts.call(t, "POST", "/api/v1/admin/items", ts.admin, variantItem("imp-void", false)); r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if _, err := ts.bank.SetStatus(ctx, "imp-void", bank.Status("void"), "test"); err != nil {
		t.Fatal(err)
	}
	parsed, err := bank.ParseAiken([]byte(aikenQ("imp-void", "Which practice helps sales first?")), bank.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.bank.Import(ctx, parsed, bank.ImportOptions{Actor: "test", DryRun: true})
	importLineErrors(t, "void item", err, out)
	_, err = ts.bank.ImportVariants(ctx, "de", parsed, bank.ImportOptions{Actor: "test", DryRun: true})
	importLineErrors(t, "translate void item", err, out)

	// GIFT titles name the items a translation is for (unlike Aiken's ID
	// lines, one may come twice in a file).
	parsed, _, err = bank.ParseGIFT([]byte("Welche Praxis hilft?{=Bewerten ~Kaufen}\n\n::no-such-item::Welche noch?{=Bewerten ~Kaufen}\n\n"+
		"::imp-void::Welche?{=Bewerten ~Kaufen}\n\n::imp-void::Welche wieder?{=Bewerten ~Kaufen}\n"), bank.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.bank.ImportVariants(ctx, "de", parsed, bank.ImportOptions{Actor: "test", DryRun: true})
	importLineErrors(t, "translations", err, out)
	return out
}

// TestImportLinesGerman: an import's line errors read in the request's
// language on the API and the admin import page; English as before.
func TestImportLinesGerman(t *testing.T) {
	ts := newTestServer(t)
	file := "Which?\nA. One\nB. Two\nANSWER: C\n"
	want := map[string]string{"en": "ANSWER: C is not one of the options (A, B)", "de": "ANSWER: C ist keine der Optionen (A, B)"}
	for _, lang := range []string{"en", "de"} {
		msg := want[lang]
		// The API's lang= is the file's language; the reader's is the
		// admin's setting.
		if r := ts.call(t, "PATCH", "/api/v1/me", ts.admin, map[string]string{"language": lang}); r.status != http.StatusOK {
			t.Fatalf("language %s: %d %s", lang, r.status, r.body)
		}
		var out struct {
			Error struct {
				Code  string
				Lines []struct {
					Line    int
					Message string
				}
			}
		}
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/admin/bank/import?format=aiken", strings.NewReader(file))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Authorization", "Bearer "+ts.admin)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if err := json.Unmarshal(raw, &out); err != nil || res.StatusCode != http.StatusUnprocessableEntity || len(out.Error.Lines) != 1 {
			t.Fatalf("%s: %d %s", lang, res.StatusCode, raw)
		}
		if l := out.Error.Lines[0]; l.Line != 4 || l.Message != msg {
			t.Errorf("%s: line %d %q, want 4 %q", lang, l.Line, l.Message, msg)
		}
	}
	b := ts.browser(t)
	b.signIn("admin@example.com", "admin password here", "/admin")
	b.get("/admin/import?lang=de")
	r := b.post("/admin/import", url.Values{"format": {"aiken"}, "content": {file}})
	if body := string(r.body); r.status != http.StatusUnprocessableEntity || !strings.Contains(body, want["de"]) {
		t.Errorf("import page: %d, no %q\n%s", r.status, want["de"], mainOf(t, r.body))
	}
}
