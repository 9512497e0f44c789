package web

import (
	"context"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

// rewriteTier gives each active item of tier the translations set returns
// and stores it as a new version.
func rewriteTier(t *testing.T, ts *testServer, tier string, set func(bank.Item) map[string]bank.Variant) {
	t.Helper()
	ctx := context.Background()
	items, err := ts.bank.AllItems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Status != bank.Active || !strings.Contains(","+strings.Join(it.Tiers, ",")+",", ","+tier+",") {
			continue
		}
		it.Translations = set(*it)
		if err := ts.bank.UpdateItem(ctx, it, "test"); err != nil {
			t.Fatalf("translations of %s: %v", it.ID, err)
		}
	}
}

// germanizeTier gives every active item of tier a German variant whose
// texts start with "DE ", so a test can tell them from the shipped German.
func germanizeTier(t *testing.T, ts *testServer, tier string) {
	t.Helper()
	rewriteTier(t, ts, tier, func(it bank.Item) map[string]bank.Variant {
		v := bank.Variant{Stem: "DE " + it.Stem, Rationale: it.Rationale}
		if it.Exhibit != "" {
			v.Exhibit = "DE " + it.Exhibit
		}
		if it.Numeric != nil {
			v.Unit = it.Numeric.Unit
		}
		for _, o := range it.Options {
			vo := bank.VariantOption{Text: "DE " + o.Text}
			if o.Match != "" {
				vo.Match = "DE " + o.Match
			}
			if o.Feedback != "" {
				vo.Feedback = "DE " + o.Feedback
			}
			v.Options = append(v.Options, vo)
		}
		return map[string]bank.Variant{"de": v}
	})
}

// dropGerman removes the German variants of every active item of tier (the
// shipped bank has them), so the tier cannot be offered in German.
func dropGerman(t *testing.T, ts *testServer, tier string) {
	t.Helper()
	rewriteTier(t, ts, tier, func(bank.Item) map[string]bank.Variant { return nil })
}

func TestStartAttemptLanguage(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "uta@example.com")
	dropGerman(t, ts, "foundation")

	r := ts.call(t, "POST", "/api/v1/attempts", tok, map[string]string{"tier": "foundation", "language": "de"})
	if r.status != 422 || r.code() != "language_unavailable" {
		t.Fatalf("German start without German items: %d %s", r.status, r.body)
	}
	if r := ts.call(t, "POST", "/api/v1/attempts", tok, map[string]string{"tier": "foundation", "language": "xx"}); r.status != 422 {
		t.Fatalf("unknown language: %d %s", r.status, r.body)
	}

	germanizeTier(t, ts, "foundation")
	r = ts.call(t, "POST", "/api/v1/attempts", tok, map[string]string{"tier": "foundation", "language": "de"})
	if r.status != 201 {
		t.Fatalf("German start: %d %s", r.status, r.body)
	}
	var a struct {
		Language  string `json:"language"`
		Questions []struct {
			Stem    string                  `json:"stem"`
			Options []struct{ Text string } `json:"options"`
		} `json:"questions"`
	}
	r.decode(t, &a)
	if a.Language != "de" || len(a.Questions) == 0 {
		t.Fatalf("attempt language %q, %d questions", a.Language, len(a.Questions))
	}
	for i, q := range a.Questions {
		if !strings.Contains(q.Stem, "DE ") {
			t.Errorf("question %d stem not German: %.80s", i+1, q.Stem)
		}
	}
}

// An item as GET returns it, translations included, can be sent back: the
// new version keeps them.
func TestItemTranslationsRoundTripAPI(t *testing.T) {
	ts := newTestServer(t)
	germanizeTier(t, ts, "foundation")
	items, err := ts.bank.AllItems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, it := range items {
		if len(it.Translations) > 0 {
			id = it.ID
			break
		}
	}
	var it map[string]any
	ts.call(t, "GET", "/api/v1/admin/items/"+id, ts.admin, nil).decode(t, &it)
	if _, ok := it["translations"]; !ok {
		t.Fatalf("GET item lacks translations: %v", it)
	}
	delete(it, "created_at")
	delete(it, "updated_at")
	it["rationale"] = "Edited."
	if r := ts.call(t, "PUT", "/api/v1/admin/items/"+id, ts.admin, it); r.status != 200 {
		t.Fatalf("PUT back: %d %s", r.status, r.body)
	}
	got, err := ts.bank.FindItemByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Rationale != "Edited." || !strings.HasPrefix(got.Translations["de"].Stem, "DE ") {
		t.Errorf("after PUT: rationale %q, translations %+v", got.Rationale, got.Translations)
	}
}

// The number hint on the exam page speaks the page's language but
// describes the exam language's way of writing numbers, since answers are
// read that way.
func TestExamPageNumberHintFollowsExamLanguage(t *testing.T) {
	ts := newTestServer(t)
	for _, tc := range []struct{ page, exam, want string }{
		{"de", "en", "englisch geschrieben"},
		{"de", "de", "das Komma trennt die Dezimalstellen"},
		{"en", "de", "the German way"},
		{"en", "en", "a point separates the decimals"},
	} {
		t.Run(tc.page+"/"+tc.exam, func(t *testing.T) {
			email := "hint-" + tc.page + tc.exam + "@example.com"
			tok := ts.candidate(t, email)
			r := ts.call(t, "POST", "/api/v1/attempts", tok, map[string]string{"tier": "foundation", "language": tc.exam})
			if r.status != 201 {
				t.Fatalf("start: %d %s", r.status, r.body)
			}
			var a apiAttempt
			r.decode(t, &a)
			b := ts.browser(t)
			b.signIn(email, "correct horse battery", "")
			p := b.get("/exam/" + a.ID + "?lang=" + tc.page)
			if p.status != 200 || !strings.Contains(string(p.body), tc.want) {
				t.Fatalf("exam page (%s page, %s exam): %d, want %q in the script messages", tc.page, tc.exam, p.status, tc.want)
			}
		})
	}
}
