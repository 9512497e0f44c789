package web

import (
	"net/url"
	"strings"
	"testing"
)

// TestTierFormKeepsEditsAndConfirms: a validation error shows the form
// again with what the admin typed; a save says so after the redirect.
func TestTierFormKeepsEditsAndConfirms(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser(t)
	b.signIn("admin@example.com", "admin password here", "")
	b.get("/admin/tiers")
	form := url.Values{"name": {"Foundation (edited)"}, "description": {"d"}, "prerequisite": {""},
		"time_limit_minutes": {"47"}, "pass_percent": {"250"}, "validity_days": {"730"}, "retake_wait_hours": {"24"},
		"max_attempts": {"3"}, "attempt_window_days": {"90"},
		"blueprint_concepts": {"10"}, "blueprint_tools": {"14"}, "blueprint_soft_skills": {"6"}}
	r := b.post("/admin/tiers/foundation", form)
	body := string(r.body)
	if r.status != 422 || !strings.Contains(body, `value="Foundation (edited)"`) || !strings.Contains(body, `value="47"`) {
		t.Fatalf("after an error: %d; the edits are not kept", r.status)
	}
	// The error stands beside its field, which points at it.
	if !strings.Contains(body, `<p class="error-text" id="foundation-pass-err">`) || !strings.Contains(body, `aria-describedby="foundation-pass-src foundation-pass-err"`) {
		t.Errorf("the pass mark's error is not beside the field:\n%s", body)
	}
	form.Set("pass_percent", "75")
	r = b.post("/admin/tiers/foundation", form)
	if r.status != 303 {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	if page := b.get(r.header.Get("Location")); !strings.Contains(string(page.body), "Tier foundation is saved") {
		t.Error("no confirmation after saving")
	}
}

func TestItemListPlainTextAndPaging(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser(t)
	b.signIn("admin@example.com", "admin password here", "")
	r := b.get("/admin/items?limit=20&offset=40")
	body := string(r.body)
	if !strings.Contains(body, "Previous page") || !strings.Contains(body, "Next page") || !strings.Contains(body, "Page 3 of ") {
		t.Errorf("paging: no Previous, Next or page X of Y")
	}
	if got := plainText("Which **rate** divides `clicks` by [delivered](http://x) e-mails & bounces?"); got != "Which rate divides clicks by delivered e-mails & bounces?" {
		t.Errorf("plainText = %q", got)
	}
}
