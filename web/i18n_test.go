package web

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mopscert/mopscert/apperr"
)

// Every message exists in both catalogues, plural messages have every CLDR
// form English and German need (one, other), and every id a template or
// handler asks for is in the catalogue. The catalogues are several files
// per language (active.*, admin.*): each file has its counterpart in the
// other language, and no id is in two files.
func TestCatalogueComplete(t *testing.T) {
	en, err := catalogueOf("en")
	if err != nil {
		t.Fatal(err)
	}
	de, err := catalogueOf("de")
	if err != nil {
		t.Fatal(err)
	}
	if len(en) < 100 || len(de) < 100 {
		t.Fatalf("catalogues did not parse: %d en, %d de messages", len(en), len(de))
	}
	enFiles, deFiles := catalogueFiles("en"), catalogueFiles("de")
	if len(enFiles) < 2 || len(enFiles) != len(deFiles) {
		t.Errorf("catalogue files do not pair up: %v and %v", enFiles, deFiles)
	}
	for i := range min(len(enFiles), len(deFiles)) {
		if strings.TrimSuffix(enFiles[i], ".en.toml") != strings.TrimSuffix(deFiles[i], ".de.toml") {
			t.Errorf("%s has no German counterpart (found %s)", enFiles[i], deFiles[i])
		}
	}
	// admin.* holds admin. ids only, errors.* err. ids only, so each part's
	// ids say where to find them.
	for _, f := range append(enFiles, deFiles...) {
		prefix := map[bool]string{true: "admin."}[strings.HasPrefix(f, "i18n/admin.")]
		if strings.HasPrefix(f, "i18n/errors.") {
			prefix = "err."
		}
		if prefix == "" {
			continue
		}
		b, _ := catalogueFS.ReadFile(f)
		part := map[string]any{}
		if _, err := toml.Decode(string(b), &part); err != nil {
			t.Fatal(err)
		}
		for id := range part {
			if !strings.HasPrefix(id, prefix) {
				t.Errorf("%s: %q lacks the %s prefix", f, id, prefix)
			}
		}
	}
	for _, pair := range [][2]map[string]any{{en, de}, {de, en}} {
		for id := range pair[0] {
			if _, ok := pair[1][id]; !ok {
				t.Errorf("%q is in one catalogue only", id)
			}
		}
	}
	for lang, cat := range map[string]map[string]any{"en": en, "de": de} {
		for id, v := range cat {
			switch m := v.(type) {
			case string:
				if strings.TrimSpace(m) == "" {
					t.Errorf("%s: %q is empty", lang, id)
				}
			case map[string]any:
				for _, form := range []string{"one", "other"} {
					if s, _ := m[form].(string); s == "" {
						t.Errorf("%s: plural %q lacks the %q form", lang, id, form)
					}
				}
			default:
				t.Errorf("%s: %q is a %T", lang, id, v)
			}
		}
	}
	// Ids used by templates: T "x", Tn "x", trustedT "x".
	used := regexp.MustCompile(`\b(?:T|Tn|trustedT) "([a-z0-9_.]+)"`)
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		b, _ := templateFS.ReadFile(f)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s uses %q, which the catalogue lacks", f, m[1])
			}
		}
	}
	// Ids used by handlers: lc.T("x"), lc.Tn("x", …).
	goUsed := regexp.MustCompile(`\.(?:T|Tn)\("([a-z0-9_.]+)"[,)]`)
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goUsed.FindAllStringSubmatch(string(b), -1) {
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s uses %q, which the catalogue lacks", f, m[1])
			}
		}
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		name                        string
		query, cookie, user, accept string
		want                        string
	}{
		{"Default", "", "", "", "", "en"},
		{"QueryFirst", "de", "en", "en", "en", "de"},
		{"QueryUnknownSkipped", "fr", "de", "", "", "de"},
		{"CookieBeforeUser", "", "de", "en", "en", "de"},
		{"CookieBeforeUserEnglish", "", "en", "de", "de", "en"},
		{"UserBeforeAcceptLanguage", "", "", "de", "en-US,en;q=0.9", "de"},
		{"AcceptLanguageGerman", "", "", "", "de-AT,de;q=0.9,en;q=0.5", "de"},
		{"AcceptLanguageSwissGerman", "", "", "", "de-CH", "de"},
		{"AcceptLanguageWeights", "", "", "", "fr;q=1,de;q=0.8,en;q=0.3", "de"},
		{"AcceptLanguageNothingMatches", "", "", "", "fr-FR,ja", "en"},
		{"AcceptLanguageGarbage", "", "", "", ";;;==", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := negotiate(tc.query, tc.cookie, tc.user, tc.accept); got != tc.want {
				t.Errorf("negotiate(%q, %q, %q, %q) = %q, want %q", tc.query, tc.cookie, tc.user, tc.accept, got, tc.want)
			}
		})
	}
}

func TestFormatPerLanguage(t *testing.T) {
	d := time.Date(2026, 12, 2, 15, 4, 0, 0, time.UTC)
	m := time.Date(2026, 3, 9, 8, 5, 0, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct{ name, got, want string }{
		{"DateDE", formatDate("de", d), "2. Dezember 2026"},
		{"DateEN", formatDate("en", d), "2 December 2026"},
		{"DateDEUmlautUTC", formatDate("de", m), "9. März 2026"},
		{"DateTimeDE", formatDateTime("de", d), "2. Dez. 2026, 15:04 UTC"},
		{"DateTimeEN", formatDateTime("en", d), "2 Dec 2026, 15:04 UTC"},
		{"DateTimeDEMarch", formatDateTime("de", m), "9. März 2026, 07:05 UTC"},
		{"PercentDE", formatPercent("de", 72.5), "72,5\u00a0%"},
		{"PercentEN", formatPercent("en", 72.5), "72.5%"},
		{"PercentWholeDE", formatPercent("de", 70), "70\u00a0%"},
		{"PercentRoundsDE", formatPercent("de", 66.666), "66,7\u00a0%"},
		{"ThousandsDE", formatNumber("de", 1250, 0), "1.250"},
		{"ThousandsEN", formatNumber("en", 1250, 0), "1,250"},
		{"MillionsDE", formatNumber("de", 1234567.25, 2), "1.234.567,25"},
		{"NegativeDE", formatNumber("de", -1250.5, 1), "-1.250,5"},
		{"SmallDE", formatNumber("de", 999, 0), "999"},
		{"NegativeZero", formatNumber("de", -0.01, 1), "0"},
		{"CountDE", locales["de"].Tn("tier.questions", 1250), "1.250 Fragen"},
		{"CountOneDE", locales["de"].Tn("tier.questions", 1), "1 Frage"},
		{"CountOneEN", locales["en"].Tn("tier.minutes", 1), "1 minute"},
		{"CountManyEN", locales["en"].Tn("tier.minutes", 45), "45 minutes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

// The language follows ?lang= (kept in a cookie), then the user's setting,
// then Accept-Language; API error messages follow it, their codes do not.
func TestLanguageThroughTheServer(t *testing.T) {
	ts := newTestServer(t)
	get := func(path, token string, hdr map[string]string) resp {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := res.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp{res.StatusCode, res.Header, []byte(b.String())}
	}
	t.Run("QuerySetsCookie", func(t *testing.T) {
		r := get("/?lang=de", "", nil)
		body := string(r.body)
		if !strings.Contains(body, `<html lang="de">`) || !strings.Contains(body, "Drei Stufen") {
			t.Fatalf("German home page expected:\n%s", body)
		}
		if !strings.Contains(r.header.Get("Set-Cookie"), langCookie+"=de") {
			t.Errorf("no language cookie: %q", r.header.Get("Set-Cookie"))
		}
		if !strings.Contains(body, `href="/?lang=en" hreflang="en"`) || !strings.Contains(body, `hreflang="de" lang="de" aria-current="true"`) {
			t.Errorf("language switch missing or wrong:\n%s", body)
		}
		r = get("/", "", map[string]string{"Cookie": langCookie + "=de", "Accept-Language": "en"})
		if !strings.Contains(string(r.body), `<html lang="de">`) {
			t.Errorf("the cookie did not keep German")
		}
	})
	t.Run("AcceptLanguage", func(t *testing.T) {
		r := get("/", "", map[string]string{"Accept-Language": "de-DE,de;q=0.9"})
		if !strings.Contains(string(r.body), `<html lang="de">`) || r.header.Get("Content-Language") != "de" {
			t.Errorf("Accept-Language de gave %q", r.header.Get("Content-Language"))
		}
		if r := get("/", "", map[string]string{"Accept-Language": "fr"}); !strings.Contains(string(r.body), `<html lang="en">`) {
			t.Errorf("French browser should get English")
		}
	})
	t.Run("UserSettingAndAPIErrors", func(t *testing.T) {
		tok := ts.candidate(t, "sprache@example.com")
		r := ts.call(t, "GET", "/api/v1/attempts/nope", tok, nil)
		if r.code() != "attempt_not_found" || !strings.Contains(string(r.body), "No attempt of yours") {
			t.Fatalf("English error expected: %s", r.body)
		}
		if r := ts.call(t, "PATCH", "/api/v1/me", tok, map[string]string{"language": "fr"}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("PATCH fr: %d %s", r.status, r.body)
		}
		var me struct{ Language string }
		ts.call(t, "PATCH", "/api/v1/me", tok, map[string]string{"language": "de"}).decode(t, &me)
		if me.Language != "de" {
			t.Fatalf("PATCH de answered %q", me.Language)
		}
		ts.call(t, "GET", "/api/v1/me", tok, nil).decode(t, &me)
		if me.Language != "de" {
			t.Fatalf("GET /me after PATCH: %q", me.Language)
		}
		r = ts.call(t, "GET", "/api/v1/attempts/nope", tok, nil)
		if r.code() != "attempt_not_found" || !strings.Contains(string(r.body), "Keiner Ihrer Versuche") {
			t.Errorf("German error with the same code expected: %s", r.body)
		}
		if r := get("/dashboard", tok, map[string]string{"Accept-Language": "en"}); !strings.Contains(string(r.body), "Meine Zertifizierung") {
			t.Errorf("the user's setting should beat Accept-Language:\n%s", r.body)
		}
		if r := get("/dashboard?lang=en", tok, nil); !strings.Contains(string(r.body), "My certification") {
			t.Errorf("?lang=en should beat the user's setting")
		}
	})
	t.Run("UnknownCodeFallsBackToEnglish", func(t *testing.T) {
		r := get("/api/v1/nothing-here?lang=de", "", nil)
		if r.code() != "not_found" || !strings.Contains(string(r.body), "Unter dieser Adresse") {
			t.Errorf("German 404: %s", r.body)
		}
		if got := locales["de"].errorMessage(errInternal.With("x", 1)); got == errInternal.Message {
			t.Errorf("internal_error has no German message")
		}
		odd := apperr.New(apperr.Conflict, "no_such_code_anywhere", "An English sentence.")
		if got := locales["de"].errorMessage(odd); got != odd.Message {
			t.Errorf("a code without a catalogue entry should keep its English message, got %q", got)
		}
	})
}
