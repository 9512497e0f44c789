package web

import (
	"strings"
	"testing"
)

func TestTierInformationPage(t *testing.T) {
	ts := newTestServer(t)
	for _, code := range []string{"foundation", "practitioner", "leader"} {
		r := ts.call(t, "GET", "/tiers/"+code, "", nil)
		body := string(r.body)
		if r.status != 200 {
			t.Fatalf("/tiers/%s: %d", code, r.status)
		}
		for _, want := range []string{"Pass mark", "If you do not pass", "Extra time", "Sample questions", "not in the exam", "What it covers"} {
			if !strings.Contains(body, want) {
				t.Errorf("/tiers/%s lacks %q", code, want)
			}
		}
		if len(samples[code]) < 2 {
			t.Errorf("%s has %d sample questions, want 2 or more", code, len(samples[code]))
		}
	}
	if r := ts.call(t, "GET", "/tiers/nonsense", "", nil); r.status != 404 {
		t.Errorf("unknown tier: %d, want 404", r.status)
	}
	tok := ts.candidate(t, "ana@example.com")
	b := ts.browser(t)
	b.signIn("ana@example.com", "correct horse battery", "")
	_ = tok
	if r := b.get("/dashboard"); !strings.Contains(string(r.body), `href="/tiers/foundation"`) {
		t.Error("the dashboard does not link the tier page")
	}
	if r := b.get("/tiers/foundation"); !strings.Contains(string(r.body), "Start the") {
		t.Error("the tier page has no start button for an eligible candidate")
	}
}

// TestSamplesNotInLiveBank: the practice questions must not leak exam items.
func TestSamplesNotInLiveBank(t *testing.T) {
	ts := newTestServer(t)
	for code, qs := range samples {
		for _, q := range qs {
			var n int
			if err := ts.db.R.QueryRow(`SELECT count(*) FROM items WHERE stem = ?`, q.Stem).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				t.Errorf("%s sample %q is a live item", code, q.Stem)
			}
		}
	}
}

func TestDashboardNoticesAndVerificationBanner(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "ana@example.com")
	c := ts.pass(t, tok)
	b := ts.browser(t)
	b.signIn("ana@example.com", "correct horse battery", "")
	body := string(b.get("/dashboard").body)
	if !strings.Contains(body, "certificate "+c.ID+" is issued") || !strings.Contains(body, "result is ready") {
		t.Errorf("dashboard lacks the notices")
	}
	if strings.Contains(body, "Confirm your e-mail address") {
		t.Errorf("verification banner shown while mail is off")
	}
	ts.accounts.VerifyEmails = true
	ts.candidate(t, "bo@example.com")
	b2 := ts.browser(t)
	b2.signIn("bo@example.com", "correct horse battery", "")
	if !strings.Contains(string(b2.get("/dashboard").body), "Confirm your e-mail address") {
		t.Errorf("no verification banner for an unverified candidate with mail on")
	}
}
