package web

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// secondAdmin registers another administrator and signs them in.
func (ts *testServer) secondAdmin(t testing.TB, email string) string {
	t.Helper()
	ts.candidate(t, email)
	if _, err := ts.db.W.Exec(`UPDATE users SET role = 'admin' WHERE email = ?`, email); err != nil {
		t.Fatal(err)
	}
	return ts.login(t, email, "correct horse battery")
}

// itemOf is the item a question of an attempt showed.
func (ts *testServer) itemOf(t testing.TB, attemptID, qid string) string {
	t.Helper()
	var id string
	if err := ts.db.R.QueryRow(`SELECT item_id FROM attempt_questions WHERE attempt_id = ? AND question_id = ?`, attemptID, qid).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestChallengeAPI(t *testing.T) {
	ts := newTestServer(t)
	ana := ts.candidate(t, "ana@example.com")
	bo := ts.candidate(t, "bo@example.com")
	a := ts.start(t, ana, "foundation")
	comment := func(tok, qid, text string) resp {
		return ts.call(t, "PUT", "/api/v1/attempts/"+a.ID+"/questions/"+qid+"/comment", tok, map[string]string{"text": text})
	}
	q1, q2 := a.Questions[0].ID, a.Questions[1].ID
	// Sessions end long before the 14-day window does.
	relogin := func() {
		ana = ts.login(t, "ana@example.com", "correct horse battery")
		bo = ts.login(t, "bo@example.com", "correct horse battery")
		ts.admin = ts.login(t, "admin@example.com", "admin password here")
	}
	steps := []struct {
		name   string
		before func()
		tok    string
		qid    string
		text   string
		status int
		code   string
	}{
		{"WhileRunning", nil, ana, q1, "Two options say the same thing.", 200, ""},
		{"EditWhileRunning", nil, ana, q1, "Options B and C say the same thing.", 200, ""},
		{"ErrTooLong", nil, ana, q1, strings.Repeat("x", 2001), 422, "validation_failed"},
		{"ErrSomeoneElses", nil, bo, q1, "mine now", 404, "attempt_not_found"},
		{"ErrNoQuestion", nil, ana, "q999", "?", 404, "question_not_found"},
		{"AfterSubmit", func() { ts.call(t, "POST", "/api/v1/attempts/"+a.ID+"/submit", ana, nil) }, ana, q2, "The stem names a vendor.", 200, ""},
		{"LastDayOfWindow", func() { ts.clk.Advance(14*24*time.Hour - time.Minute); relogin() }, "", q2, "The stem names a vendor product.", 200, ""},
		{"ErrAfterWindow", func() { ts.clk.Advance(2 * time.Minute) }, "", q2, "late", 409, "challenge_window_closed"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.before != nil {
				st.before()
			}
			tok := st.tok
			if tok == "" {
				tok = ana // signed in again after the clock moved on
			}
			r := comment(tok, st.qid, st.text)
			if r.status != st.status || r.code() != st.code {
				t.Fatalf("%d %q, want %d %q: %s", r.status, r.code(), st.status, st.code, r.body)
			}
		})
	}

	var list struct {
		Challenges []struct {
			ID, Text, Status, Decision, Response string
			ItemID                               string `json:"item_id"`
			DecidedBy                            string `json:"decided_by"`
		} `json:"challenges"`
	}
	ts.call(t, "GET", "/api/v1/admin/challenges?status=open", ts.admin, nil).decode(t, &list)
	if len(list.Challenges) != 2 {
		t.Fatalf("open challenges = %+v", list.Challenges)
	}
	item1 := ts.itemOf(t, a.ID, q1)
	ts.call(t, "GET", "/api/v1/admin/challenges?item_id="+item1, ts.admin, nil).decode(t, &list)
	if len(list.Challenges) != 1 || list.Challenges[0].Text != "Options B and C say the same thing." {
		t.Fatalf("challenges of %s = %+v", item1, list.Challenges)
	}
	chID := list.Challenges[0].ID
	if r := ts.call(t, "GET", "/api/v1/admin/challenges", bo, nil); r.status != 403 {
		t.Fatalf("a candidate read the queue: %d", r.status)
	}

	// The first admin edits the item, so is involved in it.
	var it map[string]any
	ts.call(t, "GET", "/api/v1/admin/items/"+item1, ts.admin, nil).decode(t, &it)
	it["rationale"] = "Clarified after a candidate's comment."
	delete(it, "created_at")
	delete(it, "updated_at")
	if r := ts.call(t, "PUT", "/api/v1/admin/items/"+item1, ts.admin, it); r.status != 200 {
		t.Fatalf("edit item: %d %s", r.status, r.body)
	}
	decide := func(tok, decision string) resp {
		return ts.call(t, "POST", "/api/v1/admin/challenges/"+chID+"/decision", tok,
			map[string]string{"decision": decision, "response": "Thank you: the question is removed from scoring for everyone."})
	}
	if r := decide(ts.admin, "upheld"); r.status != 409 || r.code() != "conflict_of_interest" {
		t.Fatalf("editor decides: %d %s", r.status, r.body)
	}
	other := ts.secondAdmin(t, "reviewer@example.com")
	if r := decide(other, "maybe"); r.status != 422 {
		t.Fatalf("bad decision: %d %s", r.status, r.body)
	}
	if r := decide(other, "upheld"); r.status != 200 {
		t.Fatalf("decide: %d %s", r.status, r.body)
	}
	if r := decide(other, "rejected"); r.status != 409 || r.code() != "challenge_decided" {
		t.Fatalf("decide twice: %d %s", r.status, r.body)
	}
	ts.call(t, "GET", "/api/v1/admin/challenges?status=decided", ts.admin, nil).decode(t, &list)
	if len(list.Challenges) != 1 || list.Challenges[0].DecidedBy != "reviewer@example.com" || list.Challenges[0].Decision != "upheld" {
		t.Fatalf("decided = %+v", list.Challenges)
	}

	// The candidate reads the response on the result page, and no one else
	// sees the comment.
	page := ts.call(t, "GET", "/exam/"+a.ID+"/result", ana, nil)
	for _, want := range []string{"Options B and C say the same thing.", "removed from scoring for everyone", "upheld"} {
		if !strings.Contains(string(page.body), want) {
			t.Errorf("result page lacks %q", want)
		}
	}
	if r := ts.call(t, "GET", "/api/v1/attempts/"+a.ID+"/comments", bo, nil); r.status != 404 {
		t.Errorf("another candidate read the comments: %d %s", r.status, r.body)
	}
	if r := comment(ana, q1, "changed my mind"); r.status != 409 {
		t.Errorf("edit after the decision: %d %s", r.status, r.body)
	}
}

// answerKeyed answers a foundation attempt: the key on the questions for
// which right is true, a wrong single option elsewhere.
func (ts *testServer) answerKeyed(t testing.TB, tok string, a apiAttempt, right func(qid string) bool) {
	t.Helper()
	key := ts.key(t, a.ID)
	for _, q := range a.Questions {
		body := key[q.ID]
		if !right(q.ID) {
			body = wrongAnswer(q.Type, q.Options, body)
		}
		if r := ts.call(t, "PUT", "/api/v1/attempts/"+a.ID+"/answers/"+q.ID, tok, body); r.status != 200 {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
	}
}

// wrongAnswer is an answer that scores nothing: another number, the steps
// or pairings turned round, or an option outside the key.
func wrongAnswer(typ string, options []struct{ ID, Text string }, right map[string]any) map[string]any {
	switch typ {
	case "numeric":
		return map[string]any{"value": "-987654"}
	case "ordering", "matching":
		ids := slices.Clone(right["choices"].([]string))
		if typ == "ordering" {
			slices.Reverse(ids)
		} else {
			ids = append(ids[1:], ids[0])
		}
		return map[string]any{"choices": ids}
	}
	for _, o := range options {
		if !slices.Contains(right["choices"].([]string), o.ID) {
			return map[string]any{"choices": []string{o.ID}}
		}
	}
	return right
}

type apiRegrade struct {
	ID               string `json:"id"`
	DryRun           bool   `json:"dry_run"`
	AffectedAttempts int    `json:"affected_attempts"`
	Changes          []struct {
		AttemptID  string  `json:"attempt_id"`
		OldPercent float64 `json:"old_percent"`
		NewPercent float64 `json:"new_percent"`
		OldOutcome string  `json:"old_outcome"`
		NewOutcome string  `json:"new_outcome"`
		KeptPass   bool    `json:"kept_pass"`
	} `json:"changes"`
	CertificatesIssued  []string `json:"certificates_issued"`
	CertificatesRevoked []string `json:"certificates_revoked"`
}

type apiResult struct {
	AttemptID    string  `json:"attempt_id"`
	Outcome      string  `json:"outcome"`
	ScorePercent float64 `json:"score_percent"`
	Total        int     `json:"total"`
	Certificate  *struct{ ID, Status string }
	Regrades     []json.RawMessage `json:"regrades"`
}

// sitFoundation has a new candidate answer the first right questions of a
// foundation form correctly and the rest wrongly, and submit.
func (ts *testServer) sitFoundation(t testing.TB, email string, right int) (string, apiAttempt, apiResult) {
	t.Helper()
	tok := ts.candidate(t, email)
	a := ts.start(t, tok, "foundation")
	ts.answerKeyed(t, tok, a, func(qid string) bool { n, _ := strconv.Atoi(qid[1:]); return n <= right })
	var res apiResult
	ts.call(t, "POST", "/api/v1/attempts/"+a.ID+"/submit", tok, nil).decode(t, &res)
	return tok, a, res
}

func (ts *testServer) regrade(t testing.TB, body map[string]any) apiRegrade {
	t.Helper()
	r := ts.call(t, "POST", "/api/v1/admin/regrades", ts.admin, body)
	if r.status != 200 {
		t.Fatalf("regrade %v: %d %s", body, r.status, r.body)
	}
	var out apiRegrade
	r.decode(t, &out)
	return out
}

func (ts *testServer) verifyStatus(t testing.TB, id string) string {
	t.Helper()
	var v struct{ Status string }
	ts.call(t, "GET", "/api/v1/verify?id="+id, "", nil).decode(t, &v)
	return v.Status
}

// A fail becomes a pass after two voids; the new certificate verifies.
func TestRegradeAPIIssues(t *testing.T) {
	ts := newTestServer(t)
	// 20 of 30 (66.6 %, a fail at 70); voiding two items answered wrong
	// gives 20 of 28 = 71.4 %.
	bo, ab, rb := ts.sitFoundation(t, "bo@example.com", 20)
	if rb.Outcome != "failed" || rb.ScorePercent != 66.6 {
		t.Fatalf("fixture: %+v", rb)
	}
	for _, qid := range []string{"q29", "q30"} {
		body := map[string]any{"item_id": ts.itemOf(t, ab.ID, qid), "action": "void", "reason": "outdated practice", "dry_run": true}
		before := ts.call(t, "GET", "/api/v1/attempts/"+ab.ID+"/result", bo, nil).body
		if dry := ts.regrade(t, body); dry.ID != "" || !dry.DryRun || dry.AffectedAttempts != 1 || len(dry.Changes) != 1 {
			t.Fatalf("dry run = %+v", dry)
		}
		if after := ts.call(t, "GET", "/api/v1/attempts/"+ab.ID+"/result", bo, nil).body; string(before) != string(after) {
			t.Fatalf("the dry run changed the result:\n%s\n%s", before, after)
		}
		body["dry_run"] = false
		ts.regrade(t, body)
	}
	var after apiResult
	ts.call(t, "GET", "/api/v1/attempts/"+ab.ID+"/result", bo, nil).decode(t, &after)
	if after.Outcome != "passed" || after.ScorePercent != 71.4 || after.Total != 28 || after.Certificate == nil || len(after.Regrades) != 2 {
		t.Fatalf("after two voids: %+v", after)
	}
	if got := ts.verifyStatus(t, after.Certificate.ID); got != "valid" {
		t.Fatalf("the new certificate verifies as %s", got)
	}
	var listed struct{ Regrades []apiRegrade }
	ts.call(t, "GET", "/api/v1/admin/regrades", ts.admin, nil).decode(t, &listed)
	if len(listed.Regrades) != 2 || listed.Regrades[0].ID <= listed.Regrades[1].ID {
		t.Fatalf("regrades, newest first: %+v", listed.Regrades)
	}
}

// Without allow_adverse a pass stands; with it the certificate is revoked
// and the verify API says so.
func TestRegradeAPIAdverse(t *testing.T) {
	ts := newTestServer(t)
	ana, aa, ra := ts.sitFoundation(t, "ana@example.com", 21) // 70 %: a pass
	if ra.Outcome != "passed" || ra.ScorePercent != 70 || ra.Certificate == nil {
		t.Fatalf("fixture: %+v", ra)
	}
	// Void an item ana answered right: 20 of 29 = 68.9 %.
	body := map[string]any{"item_id": ts.itemOf(t, aa.ID, "q1"), "action": "void", "reason": "the key was disputed"}
	kept := ts.regrade(t, body)
	if len(kept.Changes) != 1 || !kept.Changes[0].KeptPass || kept.Changes[0].NewOutcome != "passed" ||
		kept.Changes[0].NewPercent != 68.9 || len(kept.CertificatesRevoked) != 0 {
		t.Fatalf("without allow_adverse: %+v", kept)
	}
	if got := ts.verifyStatus(t, ra.Certificate.ID); got != "valid" {
		t.Fatalf("certificate after a kept pass: %s", got)
	}
	if again := ts.regrade(t, body); again.ID != kept.ID {
		t.Fatalf("the same request applied anew: %s vs %s", again.ID, kept.ID)
	}
	adverse := ts.regrade(t, map[string]any{"item_id": ts.itemOf(t, aa.ID, "q2"), "action": "void",
		"reason": "ambiguous stem", "allow_adverse": true})
	if !slices.Equal(adverse.CertificatesRevoked, []string{ra.Certificate.ID}) || adverse.Changes[0].NewOutcome != "failed" {
		t.Fatalf("adverse regrade: %+v", adverse)
	}
	if got := ts.verifyStatus(t, ra.Certificate.ID); got != "revoked" {
		t.Fatalf("certificate after the adverse regrade: %s", got)
	}
	page := ts.call(t, "GET", "/exam/"+aa.ID+"/result", ana, nil)
	if !strings.Contains(string(page.body), "regrade-notes") || !strings.Contains(string(page.body), "Revoked") {
		t.Errorf("result page lacks the regrade note or the revoked certificate:\n%s", page.body)
	}
	if r := ts.call(t, "POST", "/api/v1/admin/regrades", ts.admin, map[string]any{"item_id": "x", "action": "explode", "reason": "r"}); r.status != 422 {
		t.Errorf("bad action: %d %s", r.status, r.body)
	}
}

// The admin pages render the queue, the regrade form and a dry run's plan.
func TestChallengePages(t *testing.T) {
	ts := newTestServer(t)
	tok, a, _ := ts.sitFoundation(t, "cy@example.com", 20)
	if r := ts.call(t, "PUT", "/api/v1/attempts/"+a.ID+"/questions/q25/comment", tok, map[string]string{"text": "Two right answers."}); r.status != 200 {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	item := ts.itemOf(t, a.ID, "q25")
	b := ts.browser(t)
	b.signIn("admin@example.com", "admin password here", "/admin/challenges")
	if r := b.get("/admin/challenges"); r.status != 200 || !strings.Contains(string(r.body), "Two right answers.") ||
		!strings.Contains(string(r.body), "Item "+item) {
		t.Fatalf("queue page: %d\n%s", r.status, r.body)
	}
	if r := b.get("/admin/regrades?item_id=" + item); r.status != 200 {
		t.Fatalf("regrades page: %d", r.status)
	}
	r := b.post("/admin/regrades", url.Values{"item_id": {item}, "action": {"credit_all"}, "reason": {"two right answers"}, "dry_run": {"1"}})
	if r.status != 200 || !strings.Contains(string(r.body), "Dry run: nothing has changed") || !strings.Contains(string(r.body), a.ID) {
		t.Fatalf("dry run page: %d\n%s", r.status, r.body)
	}
	if r := b.post("/admin/regrades", url.Values{"item_id": {item}, "action": {"rekey"}, "correct": {"x"}, "reason": {"r"}}); r.status != 422 {
		t.Fatalf("bad form: %d", r.status)
	}
	dee := ts.candidate(t, "dee@example.com")
	running := ts.start(t, dee, "foundation")
	if r := ts.call(t, "GET", "/exam/"+running.ID, dee, nil); r.status != 200 || !strings.Contains(string(r.body), `id="comment-box"`) ||
		!strings.Contains(string(r.body), "/static/comment.js") {
		t.Fatalf("exam page without the comment box: %d", r.status)
	}
	if r := ts.call(t, "GET", "/static/comment.js", "", nil); r.status != 200 {
		t.Fatalf("comment.js: %d", r.status)
	}
}
