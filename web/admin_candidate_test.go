package web

import (
	"net/url"
	"strings"
	"testing"
)

func (ts *testServer) userID(t testing.TB, tok string) string {
	t.Helper()
	var me struct{ ID string }
	ts.call(t, "GET", "/api/v1/me", tok, nil).decode(t, &me)
	return me.ID
}

func TestAdminActionsForbiddenToCandidates(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "ana@example.com")
	id := ts.userID(t, tok)
	a := ts.start(t, tok, "foundation")
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/v1/admin/users/" + id},
		{"GET", "/api/v1/admin/users/" + id + "/export"},
		{"POST", "/api/v1/admin/users/" + id + "/retake-waivers"},
		{"POST", "/api/v1/admin/users/" + id + "/anonymize"},
		{"POST", "/api/v1/admin/attempts/" + a.ID + "/cancel"},
	} {
		if r := ts.call(t, tc.method, tc.path, tok, map[string]string{"reason": "x"}); r.status != 403 {
			t.Errorf("%s %s as a candidate: %d, want 403", tc.method, tc.path, r.status)
		}
	}
	b := ts.browser(t)
	b.signIn("ana@example.com", "correct horse battery", "")
	if r := b.get("/admin/candidates/" + id); r.status != 403 {
		t.Errorf("candidate page as a candidate: %d, want 403", r.status)
	}
}

func TestCancelAttemptAudited(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "ana@example.com")
	id := ts.userID(t, tok)
	a := ts.start(t, tok, "foundation")

	if r := ts.call(t, "POST", "/api/v1/admin/attempts/"+a.ID+"/cancel", ts.admin, map[string]string{"reason": " "}); r.status != 422 {
		t.Fatalf("cancel without a reason: %d %s, want 422", r.status, r.body)
	}
	if r := ts.call(t, "POST", "/api/v1/admin/attempts/"+a.ID+"/cancel", ts.admin, map[string]string{"reason": "browser crashed, proctor saw it"}); r.status != 204 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	if r := ts.call(t, "POST", "/api/v1/admin/attempts/"+a.ID+"/cancel", ts.admin, map[string]string{"reason": "again"}); r.status != 409 {
		t.Fatalf("cancel twice: %d, want 409", r.status)
	}
	if r := ts.call(t, "GET", "/api/v1/attempts/"+a.ID+"/result", tok, nil); r.status != 409 || r.code() != "attempt_cancelled" {
		t.Fatalf("result of a cancelled attempt: %d %s", r.status, r.body)
	}
	ts.start(t, tok, "foundation") // not graded, does not count: start again at once

	var p struct {
		Actions []struct{ Action, Actor, Reason string } `json:"admin_actions"`
		Mail    []struct{ Kind string }
	}
	ts.call(t, "GET", "/api/v1/admin/users/"+id, ts.admin, nil).decode(t, &p)
	if len(p.Actions) != 1 || p.Actions[0].Action != "attempt_cancelled" || p.Actions[0].Actor != "admin@example.com" || p.Actions[0].Reason != "browser crashed, proctor saw it" {
		t.Fatalf("audit: %+v", p.Actions)
	}
	if len(p.Mail) == 0 || p.Mail[0].Kind != "attempt_cancelled" {
		t.Errorf("the candidate is not told: %+v", p.Mail)
	}
}

func TestRetakeWaiver(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "ana@example.com")
	id := ts.userID(t, tok)
	a := ts.start(t, tok, "foundation")
	ts.call(t, "POST", "/api/v1/attempts/"+a.ID+"/submit", tok, nil) // nothing answered: failed
	if r := ts.call(t, "POST", "/api/v1/attempts", tok, map[string]string{"tier": "foundation"}); r.status != 429 {
		t.Fatalf("retake at once: %d, want 429", r.status)
	}
	b := ts.browser(t)
	b.signIn("admin@example.com", "admin password here", "")
	if r := b.get("/admin/candidates/" + id); r.status != 200 || !strings.Contains(string(r.body), "Cand ana@example.com") {
		t.Fatalf("candidate page: %d", r.status)
	}
	r := b.post("/admin/candidates/"+id+"/retake-waiver", url.Values{"tier": {"foundation"}, "reason": {""}})
	if r.status != 422 || !strings.Contains(string(r.body), "Say why") || !strings.Contains(string(r.body), `aria-invalid="true"`) {
		t.Fatalf("waiver without a reason: %d, want the form again with the error next to the field", r.status)
	}
	r = b.post("/admin/candidates/"+id+"/retake-waiver", url.Values{"tier": {"foundation"}, "reason": {"power cut at the test centre"}})
	if r.status != 303 {
		t.Fatalf("waiver: %d %s", r.status, r.body)
	}
	if r := b.get(r.header.Get("Location")); !strings.Contains(string(r.body), "The retake wait is lifted") || !strings.Contains(string(r.body), "power cut at the test centre") {
		t.Errorf("after the waiver the page shows no confirmation or audit row")
	}
	ts.start(t, tok, "foundation")
}

func TestExportAndAnonymize(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "ana@example.com")
	id := ts.userID(t, tok)
	c := ts.pass(t, tok)

	r := ts.call(t, "GET", "/api/v1/admin/users/"+id+"/export", ts.admin, nil)
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(string(r.body), "ana@example.com") || !strings.Contains(string(r.body), c.ID) {
		t.Fatalf("export: %d %s", r.status, r.header)
	}

	b := ts.browser(t)
	b.signIn("admin@example.com", "admin password here", "")
	b.get("/admin/candidates/" + id)
	if r := b.post("/admin/candidates/"+id+"/anonymize", url.Values{"reason": {"erasure request 42"}}); r.status != 422 {
		t.Fatalf("anonymize without confirming: %d, want 422", r.status)
	}
	if r := b.post("/admin/candidates/"+id+"/anonymize", url.Values{"reason": {"erasure request 42"}, "confirm": {"yes"}}); r.status != 303 {
		t.Fatalf("anonymize: %d %s", r.status, r.body)
	}
	if r := ts.call(t, "GET", "/api/v1/me", tok, nil); r.status != 401 {
		t.Errorf("session after anonymizing: %d, want 401", r.status)
	}
	if r := ts.call(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": "ana@example.com", "password": "correct horse battery"}); r.status != 401 {
		t.Errorf("sign-in after anonymizing: %d, want 401", r.status)
	}
	var p struct {
		User    struct{ Name, Email string }
		Actions []struct{ Action string } `json:"admin_actions"`
	}
	ts.call(t, "GET", "/api/v1/admin/users/"+id, ts.admin, nil).decode(t, &p)
	if p.User.Name != "Anonymized" || strings.Contains(p.User.Email, "ana@example.com") {
		t.Errorf("after anonymizing: %+v", p.User)
	}
	if len(p.Actions) != 2 || p.Actions[0].Action != "anonymized" || p.Actions[1].Action != "data_exported" {
		t.Errorf("audit: %+v, want anonymized then data_exported", p.Actions)
	}
	var v struct {
		Status      string
		Certificate struct {
			HolderName string `json:"holder_name"`
		}
	}
	ts.call(t, "GET", "/api/v1/verify?id="+c.ID, "", nil).decode(t, &v)
	if v.Status != "valid" || v.Certificate.HolderName != "Cand ana@example.com" {
		t.Errorf("certificate after anonymizing: %+v, want valid under the name as issued", v)
	}
}

func TestAdminMailPageWithoutSMTP(t *testing.T) {
	ts := newTestServer(t)
	ts.candidate(t, "ana@example.com")
	ts.call(t, "POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "ana@example.com"})
	ts.srv.bg.Wait()
	b := ts.browser(t)
	b.signIn("admin@example.com", "admin password here", "")
	r := b.get("/admin/mail")
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, "No SMTP server is configured") || !strings.Contains(body, ts.URL+"/reset-password?token=") {
		t.Fatalf("mail page: %d\n%s", r.status, body)
	}
	if !strings.Contains(body, "Page 1 of 1") || !strings.Contains(body, `<time datetime="`) {
		t.Errorf("mail page lacks paging or time elements")
	}
}
