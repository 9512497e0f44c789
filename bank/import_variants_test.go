package bank

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db/dbtest"
)

// variantStore holds three English items a German file translates: a
// single-choice item with feedback and a rationale, a true/false item and
// one with an exhibit.
func variantStore(t *testing.T) *Store {
	t.Helper()
	s := NewStore(dbtest.Open(t), clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	items := []*Item{{
		ID: "crm-dedupe", Domain: Tools, Type: Single, Tiers: []string{"foundation"},
		Stem: "Which step comes first when two CRM records describe the same person?",
		Options: []Option{{Text: "Pick the surviving record by a written rule", Correct: true, Feedback: "Yes: the rule decides."},
			{Text: "Delete the older record"}, {Text: "Merge by hand"}},
		Rationale: "A survivorship rule keeps merges consistent.",
	}, {
		ID: "tf-sandbox", Domain: Concepts, Type: TrueFalse, Tiers: []string{"foundation"},
		Stem:    "A sandbox with real customer data is subject to the GDPR.",
		Options: []Option{{Text: "True", Correct: true}, {Text: "False"}},
	}, {
		ID: "ex-table", Domain: Concepts, Type: Single, Tiers: []string{"foundation"},
		Stem:    "Which channel brought the most leads?",
		Exhibit: "| channel | leads |\n|---|---|\n| email | 40 |\n| events | 12 |",
		Options: []Option{{Text: "Email", Correct: true}, {Text: "Events"}},
	}}
	for _, it := range items {
		if err := s.CreateItem(context.Background(), it, "t"); err != nil {
			t.Fatalf("create %s: %v", it.ID, err)
		}
	}
	return s
}

const germanGIFT = `// A German translation of three items.
::crm-dedupe::[markdown]Welcher Schritt kommt zuerst, wenn zwei CRM-Datensätze dieselbe Person beschreiben?{
	=Den überlebenden Datensatz nach einer schriftlichen Regel wählen#Ja: die Regel entscheidet.
	~Den älteren Datensatz löschen
	~Von Hand zusammenführen
	####Eine Survivorship-Regel hält Zusammenführungen einheitlich.
}

::tf-sandbox::[markdown]Für eine Sandbox mit echten Kundendaten gilt die DSGVO.{TRUE}

::ex-table::[markdown]Welcher Kanal brachte die meisten Leads?\n\n| Kanal | Leads |\n|---|---|\n| E-Mail | 40 |\n| Events | 12 |{
	=E-Mail
	~Events
}
`

func parseGIFT(t *testing.T, src string) []Parsed {
	t.Helper()
	p, _, err := ParseGIFT([]byte(src), ParseOptions{})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return p
}

func TestImportVariantsGIFT(t *testing.T) {
	ctx := context.Background()
	s := variantStore(t)
	parsed := parseGIFT(t, germanGIFT)

	res, err := s.ImportVariants(ctx, "de", parsed, ImportOptions{Actor: "t", DryRun: true})
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if got, want := strings.Join(res.Items, ","), "crm-dedupe,tf-sandbox,ex-table"; got != want || res.Imported != 3 {
		t.Fatalf("dry run plans %q (%d), want %q (3)", got, res.Imported, want)
	}
	if it, _ := s.FindItemByID(ctx, "crm-dedupe"); it.Version != 1 || it.Translations != nil {
		t.Fatalf("dry run stored: version %d, translations %v", it.Version, it.Translations)
	}

	if _, err := s.ImportVariants(ctx, "de", parsed, ImportOptions{Actor: "t"}); err != nil {
		t.Fatalf("import: %v", err)
	}
	it, err := s.FindItemByID(ctx, "crm-dedupe")
	if err != nil {
		t.Fatal(err)
	}
	de := it.Translations["de"]
	if it.Version != 2 || it.Stem != "Which step comes first when two CRM records describe the same person?" {
		t.Errorf("English changed or no new version: v%d %q", it.Version, it.Stem)
	}
	if got, want := de.Stem, "Welcher Schritt kommt zuerst, wenn zwei CRM-Datensätze dieselbe Person beschreiben?"; got != want {
		t.Errorf("German stem %q, want %q", got, want)
	}
	if len(de.Options) != 3 || de.Options[0].Feedback != "Ja: die Regel entscheidet." || de.Options[2].Text != "Von Hand zusammenführen" {
		t.Errorf("German options %+v", de.Options)
	}
	if de.Rationale != "Eine Survivorship-Regel hält Zusammenführungen einheitlich." || !it.Options[0].Correct {
		t.Errorf("rationale %q, key %+v", de.Rationale, it.Options)
	}
	tf, _ := s.FindItemByID(ctx, "tf-sandbox")
	if got := tf.Translations["de"].Options; len(got) != 2 || got[0].Text != "Richtig" || got[1].Text != "Falsch" {
		t.Errorf("true/false options %+v, want Richtig, Falsch", got)
	}
	ex, _ := s.FindItemByID(ctx, "ex-table")
	if got := ex.Translations["de"]; got.Stem != "Welcher Kanal brachte die meisten Leads?" || !strings.HasPrefix(got.Exhibit, "| Kanal | Leads |") {
		t.Errorf("exhibit not taken back out of the stem: stem %q exhibit %q", got.Stem, got.Exhibit)
	}

	res, err = s.ImportVariants(ctx, "de", parsed, ImportOptions{Actor: "t"})
	if err != nil || res.Imported != 0 || res.Unchanged != 3 {
		t.Fatalf("second import: %+v %v, want 3 unchanged", res, err)
	}
	if it, _ := s.FindItemByID(ctx, "crm-dedupe"); it.Version != 2 {
		t.Errorf("unchanged import made version %d", it.Version)
	}
}

// TestImportVariantsRefused: a question that does not line up with its
// item is a line error and nothing is stored, not even the good questions.
func TestImportVariantsRefused(t *testing.T) {
	good := "::tf-sandbox::Für eine Sandbox mit echten Kundendaten gilt die DSGVO.{TRUE}\n\n"
	tests := []struct {
		name, src string
		line      int
		want      string
	}{
		{"ErrCount", "::crm-dedupe::Welcher Schritt?{=Regel#Ja.~Löschen####Weil.}\n", 3, "has 3 options; this question has 2"},
		{"ErrUnknownID", "::crm-merge::Welcher Schritt?{=Regel~Löschen}\n", 3, `no item has the id "crm-merge"`},
		{"ErrNoID", "Welcher Schritt?{=Regel~Löschen~Hand}\n", 3, "names no item"},
		{"ErrKeyMoved", "::crm-dedupe::Welcher Schritt?{~Löschen=Regel#Ja.~Hand####Weil.}\n", 3, "option 1 is marked wrong here but correct in the item"},
		{"ErrPartial", "::crm-dedupe::Welcher Schritt?{=Regel~Löschen~Hand####Weil.}\n", 3, "translations.de.options[0].feedback"},
		{"ErrTwice", "::tf-sandbox::Gilt die DSGVO?{TRUE}\n", 3, "translated twice in this file (first on line 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := variantStore(t)
			_, err := s.ImportVariants(ctx, "de", parseGIFT(t, good+tt.src), ImportOptions{Actor: "t"})
			ae, ok := apperr.As(err)
			if !ok || len(ae.Lines) != 1 {
				t.Fatalf("err = %v, want one line error", err)
			}
			if got := ae.Lines[0]; got.Line != tt.line || !strings.Contains(got.Message, tt.want) {
				t.Errorf("line %d %q, want line %d containing %q", got.Line, got.Message, tt.line, tt.want)
			}
			if tf, _ := s.FindItemByID(ctx, "tf-sandbox"); tf.Version != 1 || tf.Translations != nil {
				t.Errorf("a refused file stored the good question: v%d", tf.Version)
			}
		})
	}
}

func TestImportVariantsAiken(t *testing.T) {
	ctx := context.Background()
	s := variantStore(t)
	src := "ID: crm-dedupe\nWelcher Schritt kommt zuerst?\nA) Regel\nB) Löschen\nC) Hand\nANSWER: A\n"
	parsed, err := ParseAiken([]byte(src), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Aiken has no feedback and no rationale, so the item's are missing.
	_, err = s.ImportVariants(ctx, "de", parsed, ImportOptions{Actor: "t"})
	if ae, ok := apperr.As(err); !ok || len(ae.Lines) != 1 || !strings.Contains(ae.Lines[0].Message, "translations.de.options[0].feedback") {
		t.Fatalf("err = %v, want the missing German feedback named", err)
	}

	// An item without feedback or rationale imports from Aiken.
	it := &Item{ID: "plain", Domain: Tools, Type: Single, Stem: "Which is a CRM object?",
		Options: []Option{{Text: "Contact", Correct: true}, {Text: "Banner"}}}
	if err := s.CreateItem(ctx, it, "t"); err != nil {
		t.Fatal(err)
	}
	parsed, err = ParseAiken([]byte("ID: plain\nWelches ist ein CRM-Objekt?\nA) Kontakt\nB) Banner\nANSWER: A\n"), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if parsed[0].Name != "plain" || parsed[0].Item.Stem != "Welches ist ein CRM-Objekt?" {
		t.Fatalf("ID line not read: %+v", parsed[0])
	}
	if _, err := s.ImportVariants(ctx, "de", parsed, ImportOptions{Actor: "t"}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.FindItemByID(ctx, "plain")
	if v := got.Translations["de"]; v.Stem != "Welches ist ein CRM-Objekt?" || v.Options[0].Text != "Kontakt" {
		t.Errorf("variant %+v", v)
	}

	// Without ID lines, nothing can be matched.
	parsed, err = ParseAiken([]byte("Welches ist ein CRM-Objekt?\nA) Kontakt\nB) Banner\nANSWER: A\n"), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ImportVariants(ctx, "de", parsed, ImportOptions{Actor: "t"})
	if ae, ok := apperr.As(err); !ok || len(ae.Lines) != 1 || ae.Lines[0].Line != 1 || !strings.Contains(ae.Lines[0].Message, "names no item") {
		t.Errorf("err = %v, want line 1 names no item", err)
	}
}

func TestAikenIDLines(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		want      string
	}{
		{"ErrBadID", "ID: Not_An_Id\nQ?\nA) a\nB) b\nANSWER: A\n", 1, `ID: "Not_An_Id" is not an item id`},
		{"ErrTwoIDs", "ID: one\nID: two\nQ?\nA) a\nB) b\nANSWER: A\n", 2, "a second ID line"},
		{"ErrTrailing", "Q?\nA) a\nB) b\nANSWER: A\nID: left-over\n", 5, "not followed by a question"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAiken([]byte(tt.src), ParseOptions{})
			ae, ok := apperr.As(err)
			if !ok || len(ae.Lines) == 0 {
				t.Fatalf("err = %v, want a line error", err)
			}
			if got := ae.Lines[0]; got.Line != tt.line || !strings.Contains(got.Message, tt.want) {
				t.Errorf("line %d %q, want line %d containing %q", got.Line, got.Message, tt.line, tt.want)
			}
		})
	}
	// An English import with an ID line keeps the id instead of a slug.
	p, err := ParseAiken([]byte("ID: crm-object\nWhich is a CRM object?\nA) Contact\nB) Banner\nANSWER: A\n"), ParseOptions{})
	if err != nil || p[0].Item.ID != "crm-object" {
		t.Fatalf("parse: %v %+v", err, p)
	}
}

// TestImportVariantsExportRoundTrip: a GIFT export of an item with a
// German variant, its texts replaced by the German ones, imports back
// into the same variant; this is how a translator works.
func TestImportVariantsExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := variantStore(t)
	ex, _ := s.FindItemByID(ctx, "ex-table")
	var buf bytes.Buffer
	if err := WriteGIFT(&buf, []Item{*ex}); err != nil {
		t.Fatal(err)
	}
	de := strings.NewReplacer("Which channel brought the most leads?", "Welcher Kanal brachte die meisten Leads?",
		"channel", "Kanal", "Events", "Veranstaltungen", "Email", "E-Mail", "email", "E-Mail").Replace(buf.String())
	if _, err := s.ImportVariants(ctx, "de", parseGIFT(t, de), ImportOptions{Actor: "t"}); err != nil {
		t.Fatalf("import: %v\n%s", err, de)
	}
	got, _ := s.FindItemByID(ctx, "ex-table")
	v := got.Translations["de"]
	if v.Stem != "Welcher Kanal brachte die meisten Leads?" || v.Exhibit != strings.NewReplacer("channel", "Kanal", "email", "E-Mail", "events", "events").Replace(ex.Exhibit) {
		t.Errorf("variant stem %q exhibit %q", v.Stem, v.Exhibit)
	}
	if got.Exhibit != ex.Exhibit || got.Stem != ex.Stem {
		t.Errorf("English changed")
	}
}

func TestCheckImportLanguage(t *testing.T) {
	tests := []struct {
		format, lang string
		ok           bool
	}{{"gift", "", true}, {"yaml", "en", true}, {"gift", "de", true}, {"aiken", "de", true}, {"yaml", "de", false}, {"gift", "fr", false}}
	for _, tt := range tests {
		if err := CheckImportLanguage(tt.format, tt.lang); (err == nil) != tt.ok {
			t.Errorf("%s/%s: err %v, want ok %v", tt.format, tt.lang, err, tt.ok)
		}
	}
}
