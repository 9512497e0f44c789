package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var mainContent = regexp.MustCompile(`(?s)<main id="main"[^>]*>(.*)</main>`)

// englishOnPage are words the English wording of these pages uses and the
// German never does.
var englishOnPage = regexp.MustCompile(`\b(Your|your|the|The|Send|password|Password|Sign in|Confirm|Change|Questions|minutes|hours|days|attempts|exam|Sample|Show|pending|asked|link)\b`)

// mainOf is the <main> of a page, with addresses and the parts marked as
// English content (lang="en": the syllabus and samples are English only)
// taken out.
func mainOf(t *testing.T, body []byte) string {
	t.Helper()
	m := mainContent.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no <main> in:\n%s", body)
	}
	s := regexp.MustCompile(`(?s)<(h3|ul|ol|span|p)[^>]*lang="en"[^>]*>.*?</(h3|ul|ol|span|p)>`).ReplaceAllString(string(m[1]), "")
	return regexp.MustCompile(`(href|action|name|id|for|type|autocomplete|aria-[a-z]+)="[^"]*"`).ReplaceAllString(s, "")
}

// TestGermanSelfServicePages: the account, password, e-mail confirmation,
// message and tier pages in German, with no English wording left, and the
// same pages in English so the check can tell the two apart.
func TestGermanSelfServicePages(t *testing.T) {
	ts := newTestServer(t)
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			email := "konto-" + lang + "@example.com"
			ts.candidate(t, email)
			b := ts.browser(t)
			b.get("/?lang=" + lang) // the cookie keeps it
			pages := map[string]resp{}
			for _, p := range []string{"/forgot-password", "/reset-password?token=x", "/verify-email?token=x", "/tiers/foundation"} {
				pages["GET "+p] = b.get(p)
			}
			b.get("/forgot-password")
			pages["POST /forgot-password empty"] = b.post("/forgot-password", url.Values{"email": {""}})
			pages["POST /forgot-password"] = b.post("/forgot-password", url.Values{"email": {email}})
			b.get("/reset-password?token=x")
			pages["POST /reset-password"] = b.post("/reset-password", url.Values{"token": {"nope"}, "password": {"a new long password"}})
			b.get("/verify-email?token=x")
			pages["POST /verify-email"] = b.post("/verify-email", url.Values{"token": {"nope"}})
			b.signIn(email, "correct horse battery", "")
			b.get("/account")
			if r := b.post("/account/name", url.Values{"name": {"Konto Müller"}, "reason": {"Tippfehler"}}); r.status != http.StatusSeeOther {
				t.Fatalf("name change: %d\n%s", r.status, r.body)
			}
			pages["GET /account?done=name"] = b.get("/account?done=name")

			want := map[string][]string{
				"GET /forgot-password":        {"Passwort vergessen", "Link schicken"},
				"GET /reset-password?token=x": {"Neues Passwort wählen", "8 bis 128 Zeichen"},
				"GET /verify-email?token=x":   {"Meine Adresse bestätigen"},
				"GET /tiers/foundation":       {"So läuft die Prüfung ab", "45 Minuten", "Bestehensgrenze", "70\u00a0%", "höchstens 3 Versuche in 90 Tagen", "gültig für 730 Tage", "zu Konzepten"},
				"POST /forgot-password empty": {"Geben Sie die E-Mail-Adresse ein, mit der Sie sich registriert haben."},
				"POST /forgot-password":       {"Sehen Sie in Ihr Postfach", "konto-de@example.com", "Zurück zur Anmeldung"},
				"POST /reset-password":        {"Dieser Link ist abgelaufen", "Dieser Link gilt nicht mehr", "Neuen Link anfordern"},
				"POST /verify-email":          {"Dieser Link ist abgelaufen", "Melden Sie sich an, um einen neuen Link anzufordern."},
				"GET /account?done=name":      {"Ihr Konto", "Ihr Antrag ist gesendet", "Berichtigung auf „Konto Müller“, beantragt", ">offen</span>", "Passwort ändern"},
			}
			for name, r := range pages {
				body := mainOf(t, r.body)
				if lang == "en" {
					if !englishOnPage.MatchString(body) {
						t.Errorf("%s: the English page has none of the marker words, so the German check proves nothing:\n%s", name, body)
					}
					continue
				}
				if !strings.Contains(string(r.body), `<html lang="de"`) {
					t.Errorf("%s: not <html lang=\"de\">", name)
				}
				if m := englishOnPage.FindAllString(body, -1); len(m) > 0 {
					t.Errorf("%s: English words %q left:\n%s", name, m, body)
				}
				for _, w := range want[name] {
					if !strings.Contains(body, w) {
						t.Errorf("%s lacks %q:\n%s", name, w, body)
					}
				}
			}
			if lang == "de" {
				when := regexp.MustCompile(`beantragt <time [^>]*>\d{1,2}\. [A-ZÄÖÜ][a-zä]+\.? \d{4}, \d\d:\d\d UTC</time>`)
				if body := string(pages["GET /account?done=name"].body); !when.MatchString(body) {
					t.Errorf("the request's time is not a German date:\n%s", body)
				}
			}
		})
	}
}
