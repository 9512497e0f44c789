package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/mopscert/mopscert/mail/mailtest"
)

// tabTo presses Tab until the element matching sel has the focus: proof it
// is reachable by keyboard, in the page's own order.
func tabTo(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	for range 60 {
		var ok bool
		do(t, ctx, chromedp.Evaluate(fmt.Sprintf(`document.activeElement && document.activeElement.matches(%q)`, sel), &ok))
		if ok {
			return
		}
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	t.Fatalf("%s cannot be reached with Tab", sel)
}

// typeKeys types into the focused element.
func typeKeys(t *testing.T, ctx context.Context, s string) {
	t.Helper()
	do(t, ctx, chromedp.KeyEvent(s))
}

// unlabelled lists the visible form controls of the page without a label.
func unlabelled(t *testing.T, ctx context.Context) []string {
	t.Helper()
	var out []string
	do(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"))
		.filter(e => e.labels.length === 0 && !e.getAttribute("aria-label")).map(e => e.name || e.id)`, &out))
	return out
}

func checkLabels(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if got := unlabelled(t, ctx); len(got) > 0 {
		t.Errorf("%s: controls without a label: %v", page, got)
	}
}

// TestBrowserForgotPassword: a candidate who forgot the password gets a link
// by mail and sets a new one, by keyboard alone.
func TestBrowserForgotPassword(t *testing.T) {
	ctx := browser(t)
	smtpd := mailtest.Start(t)
	t.Setenv("MOPSCERT_SMTP_URL", smtpd.URL())
	t.Setenv("MOPSCERT_MAIL_FROM", "noreply@cert.example.org")
	m := startMain(t, "", nil)
	base := m.URL()
	registerInBrowser(t, ctx, base, "Rosa Parks", "rosa@example.com")
	do(t, ctx, chromedp.Navigate(base+"/dashboard"))
	if !strings.Contains(textOf(t, ctx, "main"), "Confirm your e-mail address") {
		t.Error("no reminder to confirm the address on the dashboard")
	}
	// Sign out, then from the sign-in page to "Forgot your password?".
	do(t, ctx, chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery), chromedp.WaitVisible(`a[href="/register"]`, chromedp.ByQuery),
		chromedp.Navigate(base+"/login"))
	tabTo(t, ctx, `a[href="/forgot-password"]`)
	do(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`#email`, chromedp.ByQuery))
	checkLabels(t, ctx, "/forgot-password")
	tabTo(t, ctx, `#email`)
	typeKeys(t, ctx, "rosa@example.com"+kb.Enter)
	do(t, ctx, chromedp.WaitVisible(`.card[role=status]`, chromedp.ByQuery))
	if !strings.Contains(textOf(t, ctx, "main"), "30 minutes") {
		t.Errorf("confirmation page: %q", textOf(t, ctx, "main"))
	}

	if _, err := m.mailer.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	var link string
	for _, msg := range smtpd.To("rosa@example.com") {
		for _, l := range msg.Links() {
			if u, err := url.Parse(l); err == nil && u.Path == "/reset-password" {
				link = l
			}
		}
	}
	if link == "" {
		t.Fatalf("no reset link arrived (%d messages)", len(smtpd.To("rosa@example.com")))
	}
	do(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(`#password`, chromedp.ByQuery))
	checkLabels(t, ctx, "/reset-password")
	// Too short first: the error sits next to the field and says why.
	tabTo(t, ctx, `#password`)
	typeKeys(t, ctx, "short"+kb.Enter)
	do(t, ctx, chromedp.WaitVisible(`#password-err`, chromedp.ByQuery))
	var invalid string
	do(t, ctx, chromedp.AttributeValue(`#password`, "aria-invalid", &invalid, nil, chromedp.ByQuery))
	if invalid != "true" || !strings.Contains(textOf(t, ctx, "#password-err"), "at least 8") {
		t.Errorf("weak password: aria-invalid=%q, message %q", invalid, textOf(t, ctx, "#password-err"))
	}
	tabTo(t, ctx, `#password`)
	typeKeys(t, ctx, "a brand new passphrase"+kb.Enter)
	do(t, ctx, chromedp.WaitVisible(`.card[role=status]`, chromedp.ByQuery))
	if !strings.Contains(textOf(t, ctx, "main"), "Your password is changed") {
		t.Fatalf("after reset: %q", textOf(t, ctx, "main"))
	}
	// The same link again: plain words, a way on.
	do(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(`#password`, chromedp.ByQuery))
	tabTo(t, ctx, `#password`)
	typeKeys(t, ctx, "another new passphrase"+kb.Enter)
	do(t, ctx, chromedp.WaitVisible(`.card[role=status]`, chromedp.ByQuery))
	if !strings.Contains(textOf(t, ctx, "main"), "no longer valid") {
		t.Errorf("used link: %q", textOf(t, ctx, "main"))
	}
	// Sign in with the new password.
	do(t, ctx, chromedp.Navigate(base+"/login"))
	tabTo(t, ctx, `#email`)
	typeKeys(t, ctx, "rosa@example.com")
	tabTo(t, ctx, `#password`)
	typeKeys(t, ctx, "a brand new passphrase"+kb.Enter)
	do(t, ctx, chromedp.WaitVisible(`.tier-card`, chromedp.ByQuery))
}

// TestBrowserAccountAndAdminCandidate: the account settings and the admin's
// candidate page have a label on every control and work from the keyboard.
func TestBrowserAccountAndAdminCandidate(t *testing.T) {
	ctx := browser(t)
	m := startMain(t, "", nil)
	base := m.URL()
	registerInBrowser(t, ctx, base, "Ada Lovelace", "ada@example.com")
	do(t, ctx, chromedp.Navigate(base+"/dashboard"))
	tabTo(t, ctx, `a[href="/account"]`)
	do(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`#current_password`, chromedp.ByQuery))
	checkLabels(t, ctx, "/account")
	tabTo(t, ctx, `#current_password`)
	typeKeys(t, ctx, "not my password")
	tabTo(t, ctx, `#new_password`)
	typeKeys(t, ctx, "a longer new passphrase"+kb.Enter)
	do(t, ctx, chromedp.WaitVisible(`#current_password-err`, chromedp.ByQuery))
	if !strings.Contains(textOf(t, ctx, "#current_password-err"), "not your current password") {
		t.Errorf("wrong current password: %q", textOf(t, ctx, "#current_password-err"))
	}
	tabTo(t, ctx, `#current_password`)
	typeKeys(t, ctx, "correct horse battery")
	tabTo(t, ctx, `#new_password`)
	typeKeys(t, ctx, "a longer new passphrase"+kb.Enter)
	do(t, ctx, chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if !strings.Contains(textOf(t, ctx, ".flash"), "password is changed") {
		t.Errorf("after change: %q", textOf(t, ctx, ".flash"))
	}
	// Ask for a name correction, by keyboard.
	tabTo(t, ctx, `#new_name`)
	typeKeys(t, ctx, "Augusta Ada King")
	tabTo(t, ctx, `#name_reason`)
	typeKeys(t, ctx, "my full name")
	do(t, ctx, chromedp.Submit(`#name_reason`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))

	// The admin's view of the candidate.
	var id string
	if err := m.db.R.QueryRow(`SELECT id FROM users WHERE email = 'ada@example.com'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery), chromedp.WaitVisible(`a[href="/register"]`, chromedp.ByQuery),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys("#email", adminEmail, chromedp.ByQuery),
		chromedp.SendKeys("#password", adminPassword+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`nav a[href="/admin/mail"]`, chromedp.ByQuery),
		chromedp.Navigate(base+"/admin/candidates/"+id),
		chromedp.WaitVisible(`#w-reason`, chromedp.ByQuery))
	checkLabels(t, ctx, "/admin/candidates/{id}")
	tabTo(t, ctx, `#w-reason`)
	typeKeys(t, ctx, "test centre power cut"+kb.Enter)
	do(t, ctx, chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if !strings.Contains(textOf(t, ctx, "main"), "test centre power cut") {
		t.Error("the audited waiver is not listed on the candidate page")
	}
	do(t, ctx, chromedp.Navigate(base+"/admin/name-changes"), chromedp.WaitVisible(`main`, chromedp.ByQuery))
	checkLabels(t, ctx, "/admin/name-changes")
	tabTo(t, ctx, `button[value=approve]`)
	do(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	do(t, ctx, chromedp.Navigate(base+"/admin/mail"), chromedp.WaitVisible(`main`, chromedp.ByQuery))
	if !strings.Contains(textOf(t, ctx, "main"), "No SMTP server is configured") {
		t.Error("the mail page does not say mail is kept here")
	}
	var title string
	do(t, ctx, chromedp.AttributeValue(`time[data-local]`, "title", &title, nil, chromedp.ByQuery))
	if !strings.HasSuffix(title, "UTC") {
		t.Errorf("time element title %q, want the UTC time", title)
	}
}
