package web

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/stats"
)

// englishMarkers are words of the English admin pages that German has no
// use for: left in a German page, they are an untranslated string.
var englishMarkers = regexp.MustCompile(`\b(Items?|Save|Submit|Candidates?|Revoke|Tiers?|Reason|Attempts?|Certificates?|Score|Facility|Decision|Regrades?|Round|Mean|Show|Find|Edit|Upheld|Rejected|None|Previous|Next|Study|Studies|Statistics|Challenges|Comments|Options|Flags|Severity|Evidence|Finding|Registered|Created|Subject|Approve|Reject|Panel|Version|Preview|Lint|Import|Export|items|attempts|the|and|of|with|by|to|for|is|are|none|matches?)\b`)

var (
	reLangSwitch  = regexp.MustCompile(`(?s)<nav aria-label="[^"]*" class="langs">.*?</nav>`)
	reLangEnglish = regexp.MustCompile(`(?s)<(\w+)\b[^>]*\blang="en"[^>]*>.*?</(\w+)>`)
	reVerbatim    = regexp.MustCompile(`(?s)<(script|textarea|pre|code)\b[^>]*>.*?</(script|textarea|pre|code)>`)
	reTag         = regexp.MustCompile(`(?s)<[^>]*>`)
	reReadAttr    = regexp.MustCompile(`\b(aria-label|title|placeholder|alt)="([^"]*)"`)
	// Ids, codes and addresses: fnd-gdpr-consent, key_suspect, a@b.example.
	reToken = regexp.MustCompile(`[A-Za-z0-9]+(?:[-_.@/][A-Za-z0-9]+)+`)
)

// visibleText is what a reader of the page meets as words: text, plus the
// attributes that are read out or shown (aria-label, title, placeholder,
// alt). Left out: the language switch (it names English), content marked
// lang="en" (the items' authored wording, mail written in English),
// verbatim blocks (scripts, textareas, pre, code: data and codes), ids and
// codes, and the test's own data.
func visibleText(body string, data ...string) string {
	s := reLangSwitch.ReplaceAllString(body, " ")
	s = reLangEnglish.ReplaceAllString(s, " ")
	s = reVerbatim.ReplaceAllString(s, " ")
	s = reTag.ReplaceAllStringFunc(s, func(tag string) string {
		var b strings.Builder
		for _, m := range reReadAttr.FindAllStringSubmatch(tag, -1) {
			b.WriteString(" " + m[2] + " ")
		}
		return " " + b.String() + " "
	})
	for _, d := range data {
		s = strings.ReplaceAll(s, d, " ")
	}
	return reToken.ReplaceAllString(s, " ")
}

// adminFixture fills a server with something for every admin page to show:
// simulated attempts (statistics, certificates), a challenge and a regrade,
// a standard-setting study in its second round, a name correction, extra
// time and an audited action.
type adminFixture struct {
	ts                     *testServer
	item, study, candidate string
}

func newAdminFixture(t *testing.T) *adminFixture {
	t.Helper()
	ts := newTestServer(t)
	ts.simulate(t, 40)
	ts.admin = ts.login(t, "admin@example.com", "admin password here") // the simulated hours outlast the session
	f := &adminFixture{ts: ts}

	tok, a, _ := ts.sitFoundation(t, "kommentar@example.com", 5)
	f.candidate = ts.userID(t, tok)
	f.item = ts.itemOf(t, a.ID, "q1")
	if r := ts.call(t, "PUT", "/api/v1/attempts/"+a.ID+"/questions/q1/comment", tok, map[string]string{"text": "Zwei Antworten sind vertretbar."}); r.status != 200 {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	ts.regrade(t, map[string]any{"item_id": ts.itemOf(t, a.ID, "q2"), "action": "credit_all", "reason": "Mehrdeutiger Fragestamm"})
	if r := ts.call(t, "POST", "/api/v1/me/name-change", tok, map[string]string{"name": "Kora Kommentar", "reason": "Heirat"}); r.status >= 300 {
		t.Fatalf("name change: %d %s", r.status, r.body)
	}
	if r := ts.call(t, "PUT", "/api/v1/admin/users/"+f.candidate+"/accommodation", ts.admin, map[string]any{"multiplier": 1.5, "note": "Nachteilsausgleich"}); r.status >= 300 {
		t.Fatalf("accommodation: %d %s", r.status, r.body)
	}
	running := ts.start(t, ts.candidate(t, "abbruch@example.com"), "foundation")
	if r := ts.call(t, "POST", "/api/v1/admin/attempts/"+running.ID+"/cancel", ts.admin, map[string]string{"reason": "Stromausfall im Prüfungsraum"}); r.status != 204 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}

	p2 := ts.secondAdmin(t, "gremium@example.com")
	r := ts.call(t, "POST", "/api/v1/admin/standards", ts.admin, map[string]any{"tier": "foundation", "title": "Grenze 2026",
		"mcc_definition": "Kennt die Begriffe und hat eine Kampagne mit Hilfe aufgesetzt.",
		"panelists":      []string{ts.userID(t, ts.admin), ts.userID(t, p2)}})
	if r.status != 201 {
		t.Fatalf("study: %d %s", r.status, r.body)
	}
	var st struct {
		ID    string
		Items []struct{ ID string }
	}
	r.decode(t, &st)
	f.study = st.ID
	for tok, v := range map[string]float64{ts.admin: 65, p2: 75} {
		m := map[string]float64{}
		for _, it := range st.Items {
			m[it.ID] = v
		}
		if r := ts.call(t, "PUT", "/api/v1/admin/standards/"+st.ID+"/ratings", tok, map[string]any{"ratings": m}); r.status >= 300 {
			t.Fatalf("ratings: %d %s", r.status, r.body)
		}
	}
	if r := ts.call(t, "POST", "/api/v1/admin/standards/"+st.ID+"/rounds", ts.admin, nil); r.status >= 300 {
		t.Fatalf("next round: %d %s", r.status, r.body)
	}
	return f
}

// adminPages are the GET addresses of every admin page, with a phrase each
// must show in German (so an empty or error page cannot pass).
func (f *adminFixture) adminPages() map[string]string {
	return map[string]string{
		"/admin/items":                         "Fragenpool",
		"/admin/items?status=active&offset=50": "Vorige Seite",
		"/admin/items/new":                     "Neue Frage",
		"/admin/items/" + f.item:               "Als neue Fassung speichern",
		"/admin/import":                        "Fragen importieren",
		"/admin/audit":                         "Rater gegen Zufall",
		"/admin/tiers":                         "Bestehensgrenze (%)",
		"/admin/stats?tier=foundation":         "Verteilung der Ergebnisse",
		"/admin/stats/items/" + f.item + "?tier=foundation": "Extremgruppen-Index",
		"/admin/challenges?status=all":                      "Zwei Antworten sind vertretbar.",
		"/admin/regrades?item_id=" + f.item:                 "Jede Antwort gutschreiben",
		"/admin/standards":                                  "Studie beginnen",
		"/admin/standards/" + f.study:                       "Vorige Runde (1)",
		"/admin/candidates":                                 "Zusätzliche Zeit",
		"/admin/candidates/" + f.candidate:                  "Wartezeit aufheben",
		"/admin/certificates":                               "Signaturschlüssel wechseln",
		"/admin/mail":                                       "Betreff",
		"/admin/name-changes":                               "Genehmigen und neu ausstellen",
	}
}

// Every admin page, as a German-speaking admin sees it: no English word of
// the pages left outside the items' own wording, <html lang="de">; and the
// same pages still in English on ?lang=en.
func TestAdminPagesInGerman(t *testing.T) {
	f := newAdminFixture(t)
	ts := f.ts
	if r := ts.call(t, "PATCH", "/api/v1/me", ts.admin, map[string]string{"language": "de"}); r.status != 200 {
		t.Fatalf("admin language: %d %s", r.status, r.body)
	}
	data := []string{"Synthetic Candidate", "Admin"}
	for path, want := range f.adminPages() {
		t.Run(path, func(t *testing.T) {
			r := ts.call(t, "GET", path, ts.admin, nil)
			body := string(r.body)
			if r.status != 200 {
				t.Fatalf("%d\n%s", r.status, body)
			}
			if !strings.Contains(body, `<html lang="de">`) {
				t.Errorf("not marked German")
			}
			if !strings.Contains(body, want) {
				t.Errorf("lacks %q", want)
			}
			text := visibleText(body, data...)
			if m := englishMarkers.FindAllStringIndex(text, -1); len(m) > 0 {
				for _, at := range m[:min(len(m), 8)] {
					t.Errorf("English %q in …%s…", text[at[0]:at[1]], strings.Join(strings.Fields(text[max(0, at[0]-60):min(len(text), at[1]+60)]), " "))
				}
			}
			en := ts.call(t, "GET", path+sep(path)+"lang=en", ts.admin, nil)
			if en.status != 200 || !strings.Contains(string(en.body), `<html lang="en">`) {
				t.Fatalf("English page: %d", en.status)
			}
			if englishMarkers.FindString(visibleText(string(en.body), data...)) == "" {
				t.Errorf("the English page has none of the English words: the check cannot see them")
			}
		})
	}
	t.Run("ConfirmVoid", func(t *testing.T) {
		b := ts.browser(t)
		b.signIn("admin@example.com", "admin password here", "")
		b.get("/admin/items/" + f.item + "?lang=de")
		r := b.post("/admin/items/"+f.item+"/status", url.Values{"status": {"void"}})
		body := string(r.body)
		if r.status != 200 || !strings.Contains(body, "Frage für ungültig erklären") {
			t.Fatalf("confirm page: %d\n%s", r.status, body)
		}
		if m := englishMarkers.FindString(visibleText(body, data...)); m != "" {
			t.Errorf("English %q on the confirm page", m)
		}
	})
	t.Run("EditorScriptWording", func(t *testing.T) {
		body := string(ts.call(t, "GET", "/admin/items/"+f.item, ts.admin, nil).body)
		m := regexp.MustCompile(`(?s)<script type="application/json" id="admin-messages">(.*?)</script>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no message block for admin.js")
		}
		var msgs map[string]string
		if err := json.Unmarshal([]byte(m[1]), &msgs); err != nil {
			t.Fatalf("message block: %v\n%s", err, m[1])
		}
		if msgs["saved"] != "Gespeichert." || msgs["option"] != "Option {n}" || len(msgs) < 15 {
			t.Errorf("admin.js wording: %v", msgs)
		}
	})
	t.Run("FormErrors", func(t *testing.T) {
		b := ts.browser(t)
		b.signIn("admin@example.com", "admin password here", "")
		b.get("/admin/tiers?lang=de")
		r := b.post("/admin/tiers/foundation", url.Values{"name": {"MOps Foundation"}, "time_limit_minutes": {"viel"}})
		if body := string(r.body); r.status != 422 || !strings.Contains(body, "Geben Sie eine ganze Zahl ein.") ||
			!strings.Contains(body, "Einige Felder müssen korrigiert werden.") {
			t.Errorf("tier form errors in German: %d\n%s", r.status, body)
		}
	})
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// Plural admin messages in both languages, with counts formatted per
// language.
func TestAdminPlurals(t *testing.T) {
	for _, tc := range []struct {
		lang, id string
		n        int
		want     string
	}{
		{"en", "admin.items.match", 1, "1 item matches."},
		{"en", "admin.items.match", 3, "3 items match."},
		{"de", "admin.items.match", 1, "1 Frage passt."},
		{"de", "admin.items.match", 3, "3 Fragen passen."},
		{"de", "admin.items.match", 1250, "1.250 Fragen passen."},
		{"en", "admin.certs.match", 0, "0 certificates match."},
		{"de", "admin.certs.match", 1, "1 Zertifikat passt."},
		{"en", "admin.challenges.open_count", 1, "1 open challenge"},
		{"de", "admin.challenges.open_count", 1, "1 offener Einspruch"},
		{"de", "admin.challenges.open_count", 2, "2 offene Einsprüche"},
		{"en", "admin.regrades.changes", 1, "1 change."},
		{"en", "admin.regrades.changes", 4, "4 changes."},
		{"de", "admin.regrades.affected", 1, "1 Versuch zeigte die Frage;"},
		{"de", "admin.regrades.affected", 12, "12 Versuche zeigten die Frage;"},
		{"de", "admin.import.imported", 1, "1 Frage importiert."},
		{"en", "admin.import.imported", 2, "Imported 2 items."},
	} {
		t.Run(tc.lang+"/"+tc.id, func(t *testing.T) {
			if got := locales[tc.lang].Tn(tc.id, tc.n); got != tc.want {
				t.Errorf("Tn(%q, %d) = %q, want %q", tc.id, tc.n, got, tc.want)
			}
		})
	}
}

// The pages word audit findings and statistics flags from their codes; in
// English that must say what bank and the old wording said, and every code
// the domain can raise has a German wording.
func TestAdminCodeWording(t *testing.T) {
	ts := newTestServer(t)
	items, err := ts.bank.AllItems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tiers, err := ts.exams.Tiers(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	// The shipped bank is audit-clean, so plant the cues test-wise
	// candidates use: a long, hedged key and absolute distractors.
	for _, it := range items {
		if it.Type != bank.Single {
			continue
		}
		for i := range it.Options {
			if it.Options[i].Correct {
				it.Options[i].Text += " in most cases, depending on the documented context and the agreed process"
			} else {
				it.Options[i].Text = "Always " + it.Options[i].Text
			}
		}
	}
	r := bank.Audit(items, bank.AuditOptions{Tiers: exam.AuditForms(tiers), Forms: 200, Seed: 1})
	rules := map[string]bool{}
	for _, f := range r.Findings {
		if got := locales["en"].auditMessage(f); got != f.Message {
			t.Errorf("%s: English wording drifted from bank's:\n%s\n%s", f.Rule, got, f.Message)
		}
		rules[f.Rule] = true
	}
	if len(rules) == 0 {
		t.Errorf("the planted cues raised no finding; the check compares nothing")
	}
	for _, rule := range []string{bank.AuditKeyGiveaway, bank.AuditKeyMostQualified, bank.AuditKeyLongest, bank.AuditAbsolutes,
		bank.AuditGrammar, bank.AuditClang, bank.AuditConvergence, bank.AuditTrueFalseWording, bank.AuditEnemy,
		bank.AuditKeySecondLongest, bank.AuditKeyLongestRate, bank.AuditTrueFalseBalance, bank.AuditSelectCount,
		bank.AuditKeyPosition, bank.AuditGuesserAboveChance} {
		if !locales["de"].has("admin.audit.rule." + rule) {
			t.Errorf("audit rule %s has no wording", rule)
		}
	}
	for _, code := range []string{stats.KeySuspect, stats.TooEasy, stats.TooHard, stats.LowDiscrimination, stats.WeakDistractor, stats.Drift, stats.Overexposed, stats.TranslationSuspect} {
		f := stats.Flag{Code: code, Value: 0.725, Limit: 0.2, Option: 1, Earlier: 0.5, Recent: 0.725, P: 0.01234, Language: "de"}
		de, en := locales["de"].flagMessage(f), locales["en"].flagMessage(f)
		if de == code || en == code || de == en {
			t.Errorf("%s: en %q, de %q", code, en, de)
		}
		if strings.Contains(de, "0.") {
			t.Errorf("%s: German figure with a decimal point: %q", code, de)
		}
	}
}
