package main

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/mail/mailtest"
)

// germanFoundation makes the foundation tier a two-question form that can
// be taken in German: a numeric item whose key is 34000 (typed the German
// way, "34.000") and a single-choice item, both with German variants.
func germanFoundation(t *testing.T, m *Main) {
	t.Helper()
	ctx := context.Background()
	num := &bank.Item{ID: "de-budget", Type: bank.Numeric,
		Stem:    "The events budget is 20,000 euros and the webinar budget 14,000 euros. What is the total in euros?",
		Numeric: &bank.NumericKey{Value: 34000, Unit: "€"},
		Translations: map[string]bank.Variant{"de": {
			Stem: "Das Eventbudget beträgt 20.000 Euro, das Webinarbudget 14.000 Euro. Wie hoch ist die Summe in Euro?", Rationale: "Durchgerechnet."}},
	}
	choice := &bank.Item{ID: "de-consent", Type: bank.Single,
		Stem: "Which record proves that a contact agreed to receive e-mail?",
		Options: []bank.Option{{Text: "The consent record with time and source", Correct: true}, {Text: "The open rate"},
			{Text: "The lead score"}, {Text: "The job title"}},
		Translations: map[string]bank.Variant{"de": {
			Stem: "Welcher Datensatz belegt, dass ein Kontakt dem E-Mail-Empfang zugestimmt hat?",
			Options: []bank.VariantOption{{Text: "Der Einwilligungsnachweis mit Zeitpunkt und Quelle"}, {Text: "Die Öffnungsrate"},
				{Text: "Der Lead-Score"}, {Text: "Die Berufsbezeichnung"}}, Rationale: "Durchgerechnet."}},
	}
	for _, it := range []*bank.Item{num, choice} {
		it.Status, it.Domain, it.Tiers = bank.Active, bank.Concepts, []string{"foundation"}
		it.Rationale, it.Source = "Worked answer.", "Test fixture"
		if err := m.bank.CreateItem(ctx, it, "test"); err != nil {
			t.Fatalf("create %s: %v", it.ID, err)
		}
	}
	if _, err := m.exams.UpdateTier(ctx, "foundation", exam.TierUpdate{Blueprint: exam.Blueprint{bank.Concepts: 2}}); err != nil {
		t.Fatalf("foundation blueprint: %v", err)
	}
}

// pageLang is the <html lang> of the current page.
func pageLang(t *testing.T, ctx context.Context) string {
	t.Helper()
	var l string
	do(t, ctx, chromedp.Evaluate(`document.documentElement.lang`, &l))
	return l
}

// wantGerman checks that the page is German and its main part holds every
// phrase.
func wantGerman(t *testing.T, ctx context.Context, page string, phrases ...string) {
	t.Helper()
	if l := pageLang(t, ctx); l != "de" {
		t.Errorf("%s: <html lang=%q>, want de", page, l)
	}
	main := textOf(t, ctx, "main")
	for _, p := range phrases {
		if !strings.Contains(main, p) {
			t.Errorf("%s lacks %q:\n%s", page, p, main)
		}
	}
}

// TestBrowserGermanCandidate: a candidate whose browser asks for German
// registers, confirms the address from a German mail, takes the exam in
// German typing a number the German way ("34.000"), passes, and gets a
// German result page, certificate PDF and mail.
func TestBrowserGermanCandidate(t *testing.T) {
	ctx := browser(t)
	smtpd := mailtest.Start(t)
	t.Setenv("MOPSCERT_SMTP_URL", smtpd.URL())
	t.Setenv("MOPSCERT_MAIL_FROM", "noreply@cert.example.org")
	m := startMain(t, "", func(c *Config) { c.DefaultBank = false })
	germanFoundation(t, m)
	base := m.URL()
	const email = "juergen@example.com"
	do(t, ctx, network.Enable(), network.SetExtraHTTPHeaders(network.Headers{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}))

	do(t, ctx, chromedp.Navigate(base+"/register"), chromedp.WaitVisible(`#name`, chromedp.ByQuery))
	wantGerman(t, ctx, "/register", "Konto anlegen")
	registerInBrowser(t, ctx, base, "Jürgen Weiß", email)
	wantGerman(t, ctx, "/dashboard", "Bitte bestätigen Sie vor Ihrer ersten Prüfung Ihre E-Mail-Adresse")

	// The confirmation mail is German; its link confirms the address.
	if _, err := m.mailer.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	var link string
	for _, msg := range smtpd.To(email) {
		if msg.Subject != "Bestätigen Sie Ihre E-Mail-Adresse" || !strings.Contains(msg.Text, "Hallo Jürgen Weiß") {
			t.Errorf("confirmation mail not German: %q\n%s", msg.Subject, msg.Text)
		}
		for _, l := range msg.Links() {
			if u, err := url.Parse(l); err == nil && u.Path == "/verify-email" {
				link = l
			}
		}
	}
	if link == "" {
		t.Fatalf("no confirmation link arrived (%d messages)", len(smtpd.To(email)))
	}
	do(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(`button[type=submit]`, chromedp.ByQuery))
	wantGerman(t, ctx, "/verify-email", "Drücken Sie die Schaltfläche")
	do(t, ctx, chromedp.Click(`main button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible(`.card[role=status]`, chromedp.ByQuery))
	wantGerman(t, ctx, "confirmed", "Ihre E-Mail-Adresse ist bestätigt")

	// The exam, in German (the dashboard offers it in the page's language).
	do(t, ctx, chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(`.tier-card`, chromedp.ByQuery))
	var examLang string
	do(t, ctx, chromedp.Value(`#lang-foundation`, &examLang, chromedp.ByQuery))
	if examLang != "de" {
		t.Errorf("exam language preselected %q, want de", examLang)
	}
	id := startExam(t, ctx, "foundation")
	wantGerman(t, ctx, "/exam", "Überprüfen und abgeben")
	key := answerKey(t, m, id)

	showQuestion(t, ctx, "numeric")
	if stem := textOf(t, ctx, "#question-view"); !strings.Contains(stem, "Wie hoch ist die Summe in Euro?") {
		t.Errorf("numeric question not in German: %q", stem)
	}
	do(t, ctx, chromedp.Focus(`#q-value`, chromedp.ByQuery), chromedp.KeyEvent("34.000"))
	waitSavedDE(t, ctx)
	showQuestion(t, ctx, "single")
	if stem := textOf(t, ctx, "#question-view"); !strings.Contains(stem, "Einwilligungsnachweis") {
		t.Errorf("choice question not in German: %q", stem)
	}
	for _, letters := range key { // only the choice question has options
		for _, letter := range letters {
			do(t, ctx, chromedp.Click(fmt.Sprintf(`#question-view input[value=%q]`, letter), chromedp.ByQuery))
		}
	}
	waitSavedDE(t, ctx)
	var stored string
	if err := m.db.R.QueryRow(`SELECT value FROM answers WHERE attempt_id = ? AND value != ''`, id).Scan(&stored); err != nil || stored != "34.000" {
		t.Errorf("stored numeric answer = %q, %v; want it as typed", stored, err)
	}

	do(t, ctx, chromedp.Click(`#to-review`, chromedp.ByQuery), chromedp.WaitVisible(`#review`, chromedp.ByQuery))
	submitExam(t, ctx)
	if got := textOf(t, ctx, "#outcome"); got != "Bestanden" {
		t.Fatalf("outcome = %q; \"34.000\" in a German exam is 34000, the key", got)
	}
	wantGerman(t, ctx, "result", "Ihr Ergebnis: MOps Foundation")
	snap(t, ctx, "result-de")

	// The certificate PDF, in German.
	var pdfURL string
	do(t, ctx, chromedp.AttributeValue(`#pdf-link`, "href", &pdfURL, nil, chromedp.ByQuery))
	pdf := fetchWithCookies(t, ctx, base+pdfURL)
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("download is not a PDF")
	}
	txt := pdfText(t, pdf)
	for _, w := range []string{"Zertifikat", "Hiermit wird bescheinigt", "Jürgen Weiß", "Gültig bis"} {
		if !strings.Contains(txt, w) {
			t.Errorf("PDF lacks %q:\n%s", w, txt)
		}
	}

	// The result and certificate mails, in German with a German date.
	if _, err := m.mailer.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	subjects := map[string]string{}
	for _, msg := range smtpd.To(email) {
		subjects[msg.Subject] = msg.Text
	}
	if txt, ok := subjects["Ihr Ergebnis: MOps Foundation"]; !ok || !strings.Contains(txt, "Sie haben mit 100 % bestanden") {
		t.Errorf("no German result mail; subjects %v", keys(subjects))
	}
	germanDate := regexp.MustCompile(`gültig bis \d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}`)
	if txt, ok := subjects["Ihr Zertifikat MOps Foundation"]; !ok || !germanDate.MatchString(txt) {
		t.Errorf("no German certificate mail with a German date; subjects %v\n%s", keys(subjects), txt)
	}
}

// waitSavedDE is waitSaved for the German exam page.
func waitSavedDE(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, chromedp.Poll(`document.getElementById("save-state").textContent === "Alle Antworten gespeichert"`, nil,
		chromedp.WithPollingTimeout(15*time.Second)))
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
