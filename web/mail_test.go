package web

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/mail"
	"github.com/mopscert/mopscert/mail/mailtest"
)

// withMail turns e-mail verification on and returns a send function that
// runs the real worker once against an in-process SMTP server.
func (ts *testServer) withMail(t testing.TB) (*mailtest.Server, func()) {
	t.Helper()
	smtpd := mailtest.Start(t)
	cfg, err := mail.ParseSMTPURL(smtpd.URL())
	if err != nil {
		t.Fatal(err)
	}
	r, err := mail.NewRenderer(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	ts.accounts.VerifyEmails = true
	w := &mail.Worker{Outbox: mail.NewOutbox(ts.db, ts.clk), Renderer: r, Sender: mail.NewSMTPSender(cfg), From: "noreply@cert.example.org"}
	return smtpd, func() {
		ts.srv.bg.Wait() // reset requests run after their answer
		if _, err := w.SendDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// linkToken finds the link under path in the newest message to addr with
// subject and returns its token.
func linkToken(t testing.TB, smtpd *mailtest.Server, addr, subject, path string) string {
	t.Helper()
	msgs := smtpd.To(addr)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Subject != subject {
			continue
		}
		for _, l := range msgs[i].Links() {
			u, err := url.Parse(l)
			if err == nil && u.Path == path {
				return u.Query().Get("token")
			}
		}
	}
	t.Fatalf("no %q message with a %s link to %s (got %d messages)", subject, path, addr, len(msgs))
	return ""
}

func TestEmailVerificationBeforeFirstExam(t *testing.T) {
	ts := newTestServer(t)
	smtpd, send := ts.withMail(t)
	tok := ts.candidate(t, "ana@example.com")
	if r := ts.call(t, "POST", "/api/v1/attempts", tok, map[string]string{"tier": "foundation"}); r.status != 403 || r.code() != "email_unverified" {
		t.Fatalf("unverified start: %d %s, want 403 email_unverified", r.status, r.body)
	}
	send()
	token := linkToken(t, smtpd, "ana@example.com", "Confirm your e-mail address", "/verify-email")
	if r := ts.call(t, "POST", "/api/v1/auth/verify-email", "", map[string]string{"token": token}); r.status != 204 {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}
	if r := ts.call(t, "POST", "/api/v1/auth/verify-email", "", map[string]string{"token": token}); r.status != 400 || r.code() != "invalid_token" {
		t.Fatalf("verify twice: %d %s, want 400 invalid_token", r.status, r.body)
	}
	var me struct {
		EmailVerified bool `json:"email_verified"`
	}
	ts.call(t, "GET", "/api/v1/me", tok, nil).decode(t, &me)
	if !me.EmailVerified {
		t.Error("me: email_verified false after verifying")
	}
	ts.start(t, tok, "foundation")
}

func TestVerificationOffWithoutMail(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "ana@example.com")
	ts.start(t, tok, "foundation") // no SMTP: no verification, the first run works
}

func TestPasswordResetAPI(t *testing.T) {
	ts := newTestServer(t)
	smtpd, send := ts.withMail(t)
	old := ts.candidate(t, "ana@example.com")

	known := ts.call(t, "POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "ana@example.com"})
	unknown := ts.call(t, "POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "nobody@example.com"})
	if known.status != 202 || unknown.status != 202 || !bytes.Equal(known.body, unknown.body) {
		t.Fatalf("known %d %s, unknown %d %s: want the same 202", known.status, known.body, unknown.status, unknown.body)
	}
	send()
	if n := len(smtpd.To("nobody@example.com")); n != 0 {
		t.Fatalf("%d messages to an address without an account", n)
	}
	token := linkToken(t, smtpd, "ana@example.com", "Reset your password", "/reset-password")

	r := ts.call(t, "POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": token, "password": "brand new secret 9"})
	if r.status != 204 {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	if r := ts.call(t, "GET", "/api/v1/me", old, nil); r.status != 401 {
		t.Fatalf("old session after reset: %d, want 401", r.status)
	}
	ts.login(t, "ana@example.com", "brand new secret 9")
	r = ts.call(t, "POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": token, "password": "another secret 10"})
	if r.status != 400 || r.code() != "invalid_token" {
		t.Fatalf("second use: %d %s, want 400 invalid_token", r.status, r.body)
	}
	send()
	if got := smtpd.To("ana@example.com"); got[len(got)-1].Subject != "Your password was changed" {
		t.Errorf("last message %q, want the password-changed notice", got[len(got)-1].Subject)
	}

	t.Run("ErrExpired", func(t *testing.T) {
		ts.call(t, "POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "ana@example.com"})
		send()
		token := linkToken(t, smtpd, "ana@example.com", "Reset your password", "/reset-password")
		ts.clk.Advance(31 * time.Minute)
		r := ts.call(t, "POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": token, "password": "another secret 10"})
		if r.status != 400 || r.code() != "invalid_token" {
			t.Fatalf("after 31 minutes: %d %s, want 400 invalid_token", r.status, r.body)
		}
	})
}

func TestChangePasswordAPI(t *testing.T) {
	ts := newTestServer(t)
	this := ts.candidate(t, "ana@example.com")
	other := ts.login(t, "ana@example.com", "correct horse battery")
	r := ts.call(t, "POST", "/api/v1/me/password", this, map[string]string{"current_password": "wrong one!", "new_password": "brand new secret 9"})
	if r.status != 422 {
		t.Fatalf("wrong current: %d %s", r.status, r.body)
	}
	r = ts.call(t, "POST", "/api/v1/me/password", this, map[string]string{"current_password": "correct horse battery", "new_password": "brand new secret 9"})
	if r.status != 204 {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	if r := ts.call(t, "GET", "/api/v1/me", this, nil); r.status != 200 {
		t.Errorf("this session: %d, want kept", r.status)
	}
	if r := ts.call(t, "GET", "/api/v1/me", other, nil); r.status != 401 {
		t.Errorf("other session: %d, want ended", r.status)
	}
}

func TestNoticesArrive(t *testing.T) {
	ts := newTestServer(t)
	smtpd, send := ts.withMail(t)
	ts.accounts.VerifyEmails = false // this test is about notices
	tok := ts.candidate(t, "holder@example.com")
	c := ts.pass(t, tok)
	send()
	subjects := map[string]string{}
	for _, m := range smtpd.To("holder@example.com") {
		subjects[m.Subject] = m.Text
	}
	if txt := subjects["Your MOps Foundation result"]; !strings.Contains(txt, "passed with 100 %") {
		t.Errorf("result notice: %q", txt)
	}
	if txt := subjects["Your MOps Foundation certificate"]; !strings.Contains(txt, ts.URL+"/api/v1/certificates/"+c.ID+"/pdf") {
		t.Errorf("issued notice without the PDF link: %q", txt)
	}

	// Expiry: 90 and 30 days before, each once however often the job runs.
	for _, days := range []int{90, 30} {
		ts.clk.Set(c.ExpiresAt.Add(-time.Duration(days)*24*time.Hour + time.Hour))
		for range 2 {
			if _, err := ts.exams.SendExpiryNotices(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	send()
	n := map[string]int{}
	for _, m := range smtpd.To("holder@example.com") {
		n[m.Subject]++
	}
	if n["Your MOps Foundation certificate expires in 90 days"] != 1 || n["Your MOps Foundation certificate expires in 30 days"] != 1 {
		t.Errorf("expiry notices: %v, want one each", n)
	}

	admin := ts.login(t, "admin@example.com", "admin password here") // the clock moved on
	r := ts.call(t, "POST", "/api/v1/admin/certificates/"+c.ID+"/revoke", admin, map[string]string{"public_reason": "misconduct", "note": "internal: proctor report 7"})
	if r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	send()
	got := smtpd.To("holder@example.com")
	last := got[len(got)-1]
	if !strings.Contains(last.Subject, "was revoked") || !strings.Contains(last.Text, "breach of the exam rules") || strings.Contains(last.Text, "proctor") {
		t.Errorf("revocation notice %q: %q (public reason, never the note)", last.Subject, last.Text)
	}
}
