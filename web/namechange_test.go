package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestNameCorrectionEndToEnd(t *testing.T) {
	ts := newTestServer(t)
	smtpd, send := ts.withMail(t)
	ts.accounts.VerifyEmails = false
	tok := ts.candidate(t, "ana@example.com")
	old := ts.pass(t, tok)

	r := ts.call(t, "POST", "/api/v1/me/name-change", tok, map[string]string{"name": "Ana Lima-Souza", "reason": ""})
	if r.status != 422 {
		t.Fatalf("request without a reason: %d %s", r.status, r.body)
	}
	r = ts.call(t, "POST", "/api/v1/me/name-change", tok, map[string]string{"name": "Ana Lima-Souza", "reason": "married; new passport"})
	if r.status != 201 {
		t.Fatalf("request: %d %s", r.status, r.body)
	}
	var req struct{ ID, Status string }
	r.decode(t, &req)
	if r := ts.call(t, "POST", "/api/v1/me/name-change", tok, map[string]string{"name": "Ana L.", "reason": "again"}); r.status != 409 {
		t.Fatalf("second pending request: %d, want 409", r.status)
	}
	if r := ts.call(t, "POST", "/api/v1/admin/name-changes/"+req.ID+"/decision", tok, map[string]string{"decision": "approve"}); r.status != 403 {
		t.Fatalf("candidate deciding: %d, want 403", r.status)
	}
	r = ts.call(t, "POST", "/api/v1/admin/name-changes/"+req.ID+"/decision", ts.admin, map[string]string{"decision": "approve", "response": "passport seen"})
	if r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	var dec struct {
		Status   string
		Reissued []string
	}
	r.decode(t, &dec)
	if dec.Status != "approved" || len(dec.Reissued) != 1 || dec.Reissued[0] == old.ID {
		t.Fatalf("decision: %+v", dec)
	}
	newID := dec.Reissued[0]

	type verification struct {
		Status       string
		SupersededBy string `json:"superseded_by"`
		Reason       string
		Certificate  struct {
			ID         string
			HolderName string `json:"holder_name"`
		}
	}
	var v verification
	ts.call(t, "GET", "/api/v1/verify?id="+newID, "", nil).decode(t, &v)
	if v.Status != "valid" || v.Certificate.HolderName != "Ana Lima-Souza" {
		t.Errorf("new certificate: %+v", v)
	}
	var nc struct{ Token string }
	ts.call(t, "GET", "/api/v1/certificates/"+newID, tok, nil).decode(t, &nc)
	v = verification{}
	ts.call(t, "GET", "/api/v1/verify?token="+url.QueryEscape(nc.Token), "", nil).decode(t, &v)
	if v.Status != "valid" || v.Certificate.HolderName != "Ana Lima-Souza" {
		t.Errorf("new token: %+v", v)
	}
	v = verification{}
	ts.call(t, "GET", "/api/v1/verify?token="+url.QueryEscape(old.Token), "", nil).decode(t, &v)
	if v.Status != "superseded" || v.SupersededBy != newID || !strings.Contains(v.Reason, newID) {
		t.Errorf("old token: %+v, want superseded by %s", v, newID)
	}
	// The old PDF's link (the verify page) explains it too.
	page := ts.call(t, "GET", "/verify/"+old.Token, "", nil)
	if !strings.Contains(string(page.body), "Replaced") || !strings.Contains(string(page.body), newID) {
		t.Errorf("verify page for the old token does not say it was replaced by %s", newID)
	}
	var me struct{ Name string }
	ts.call(t, "GET", "/api/v1/me", tok, nil).decode(t, &me)
	if me.Name != "Ana Lima-Souza" {
		t.Errorf("account name %q", me.Name)
	}
	send()
	var subjects []string
	for _, m := range smtpd.To("ana@example.com") {
		subjects = append(subjects, m.Subject)
	}
	all := strings.Join(subjects, "|")
	if !strings.Contains(all, "Your certificate was reissued as "+newID) || !strings.Contains(all, "Your name correction was approved") {
		t.Errorf("mail: %v", subjects)
	}
}

func TestNameCorrectionRejected(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "ana@example.com")
	b := ts.browser(t)
	b.signIn("ana@example.com", "correct horse battery", "")
	b.get("/account")
	r := b.post("/account/name", url.Values{"name": {"Ana Lima"}, "reason": {"typo at registration"}})
	if r.status != 303 {
		t.Fatalf("request from the account page: %d %s", r.status, r.body)
	}
	var list struct {
		Requests []struct{ ID, Status string }
	}
	ts.call(t, "GET", "/api/v1/me/name-change", tok, nil).decode(t, &list)
	if len(list.Requests) != 1 {
		t.Fatalf("requests: %+v", list)
	}
	if r := ts.call(t, "POST", "/api/v1/admin/name-changes/"+list.Requests[0].ID+"/decision", ts.admin, map[string]string{"decision": "reject"}); r.status != 422 {
		t.Fatalf("reject without a response: %d, want 422", r.status)
	}
	if r := ts.call(t, "POST", "/api/v1/admin/name-changes/"+list.Requests[0].ID+"/decision", ts.admin, map[string]string{"decision": "reject", "response": "the name matches your ID already"}); r.status != 200 {
		t.Fatalf("reject: %d %s", r.status, r.body)
	}
	var me struct{ Name string }
	ts.call(t, "GET", "/api/v1/me", tok, nil).decode(t, &me)
	if me.Name != "Cand ana@example.com" {
		t.Errorf("name after rejection: %q", me.Name)
	}
}
