package mail_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/mail"
	"github.com/mopscert/mopscert/mail/mailtest"
)

// germanArgs fills every argument any kind uses, with values that carry no
// English words of their own.
var germanArgs = mail.Args{
	"name": "Ada Lovelace", "path": "/x", "pdf_path": "/p", "verify_path": "/v", "tier_name": "MOps Foundation",
	"cert_id": "MOPS-AAAA-BBBB-CCCC", "old_id": "MOPS-DDDD-EEEE-FFFF", "holder_name": "Ada King", "new_name": "Ada King",
	"expires": "1 March 2028", "days": "30", "hours": "24", "score": "72.5", "outcome": "did not pass",
	"status": "approved", "response": "Urkunde liegt vor.", "reason": "misconduct", "new_email": "ada@example.org",
}

// englishMarkers are words any English wording of a kind would use; none
// may be left in a German message.
var englishMarkers = regexp.MustCompile(`\b(Hello|[Yy]our|[Tt]he|certificate|password|was|because|expires|Download|passed|approved|March|exam|link works|If|you)\b`)

var links = regexp.MustCompile(`https?://[^\s"<]+`)

// TestEveryKindInGerman: every kind has German subject, text and HTML, with
// no English left, German dates and numbers, and the renderer's own words
// (outcome, decision, revocation reason) in German.
func TestEveryKindInGerman(t *testing.T) {
	r, err := mail.NewRenderer("https://cert.example.org/")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range mail.Kinds {
		t.Run(kind, func(t *testing.T) {
			de, err := r.Render(&mail.Message{Kind: kind, Language: "de", To: "a@example.com", Args: germanArgs})
			if err != nil {
				t.Fatal(err)
			}
			en, err := r.Render(&mail.Message{Kind: kind, Language: "en", To: "a@example.com", Args: germanArgs})
			if err != nil {
				t.Fatal(err)
			}
			if de.Subject == en.Subject || de.Text == en.Text {
				t.Errorf("German is the English:\n%s\n%s", de.Subject, de.Text)
			}
			all := de.Subject + "\n" + de.Text + "\n" + de.HTML
			// Links are addresses, not wording ("/forgot-password").
			if m := englishMarkers.FindAllString(links.ReplaceAllString(all, ""), -1); len(m) > 0 {
				t.Errorf("English words %q left in:\n%s", m, all)
			}
			if !strings.Contains(de.Text, "Hallo Ada Lovelace") || !strings.Contains(de.HTML, `<html lang="de">`) {
				t.Errorf("not a German message:\n%s", all)
			}
			if strings.Contains(all, "no value") {
				t.Errorf("a missing argument shows as <no value>:\n%s", all)
			}
			want := map[string][]string{
				mail.KindCertIssued:        {"gültig bis 1. März 2028"},
				mail.KindCertExpiring:      {"am 1. März 2028 ab", "in 30 Tagen"},
				mail.KindResultAvailable:   {"72,5 % nicht bestanden"},
				mail.KindCertRevoked:       {"weil gegen die Prüfungsregeln verstoßen wurde"},
				mail.KindNameChangeDecided: {"wurde angenommen"},
				mail.KindCertReissued:      {"„Ada King“"},
			}[kind]
			for _, w := range want {
				if !strings.Contains(de.Text, w) || !strings.Contains(de.HTML, w) {
					t.Errorf("%q missing from text or HTML:\n%s\n%s", w, de.Text, de.HTML)
				}
			}
		})
	}
}

// TestGermanWordsForEveryCode: each public revocation reason and outcome
// has its own German wording (none falls back to English or "other").
func TestGermanWordsForEveryCode(t *testing.T) {
	r, err := mail.NewRenderer("https://cert.example.org/")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, code := range []string{"issued_in_error", "misconduct", "holder_request", "regrade", "other", "no-such-code"} {
		got, err := r.Render(&mail.Message{Kind: mail.KindCertRevoked, Language: "de", To: "a@example.com",
			Args: mail.Args{"name": "A", "tier_name": "T", "cert_id": "C", "reason": code}})
		if err != nil {
			t.Fatal(err)
		}
		line := strings.SplitN(got.Text, "\n", 4)[2]
		if m := englishMarkers.FindAllString(line, -1); len(m) > 0 {
			t.Errorf("%s: English %q in %q", code, m, line)
		}
		if prev, dup := seen[line]; dup && !(code == "no-such-code" && prev == "other") {
			t.Errorf("%s words like %s: %q", code, prev, line)
		}
		seen[line] = code
	}
	if len(seen) != 5 {
		t.Errorf("an unknown code did not read as other: %d distinct wordings", len(seen))
	}
}

// TestWorkerSendsInRecipientLanguage: Enqueue takes the user's language,
// and the worker sends in it.
func TestWorkerSendsInRecipientLanguage(t *testing.T) {
	srv := mailtest.Start(t)
	d := openAt(t, filepath.Join(t.TempDir(), "m.db"))
	clk := clock.NewFake(t0)
	addUser(t, d, "u1", "ada@example.com")
	addUser(t, d, "u2", "bob@example.com")
	if _, err := d.W.Exec(`UPDATE users SET language = 'de' WHERE id = 'u1'`); err != nil {
		t.Fatal(err)
	}
	w := newWorker(t, d, clk, srv.URL())
	ctx := context.Background()
	for _, u := range []string{"u1", "u2"} {
		if err := w.Outbox.Enqueue(ctx, mail.Notice{UserID: u, Kind: mail.KindPasswordChanged, Args: mail.Args{"name": "Ada"}}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := w.SendDue(ctx); err != nil || n != 2 {
		t.Fatalf("SendDue = %d, %v; want 2", n, err)
	}
	for to, subject := range map[string]string{"ada@example.com": "Ihr Passwort wurde geändert", "bob@example.com": "Your password was changed"} {
		got := srv.To(to)
		if len(got) != 1 || got[0].Subject != subject {
			t.Errorf("%s received %+v, want one message %q", to, got, subject)
		}
	}
}
