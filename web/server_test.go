package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/bank"
	defaultbank "github.com/mopscert/mopscert/bank/default"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/cert"
	"github.com/mopscert/mopscert/exam/stats"
)

// testServer is the real server on a real database file with a fake clock,
// behind httptest.
type testServer struct {
	*httptest.Server
	db    *db.DB
	clk   *clock.Fake
	bank  *bank.Store
	certs *cert.Service
	exams *exam.Service
	admin string // admin bearer token

	accounts *account.Store
	srv      *Server
}

func newTestServer(t testing.TB) *testServer { return newTestServerWith(t, true) }

// newTestServerWith can turn the rate limits off (for benchmarks that sign
// up hundreds of candidates from one address).
func newTestServerWith(t testing.TB, rateLimits bool) *testServer {
	t.Helper()
	return newTestServerConfig(t, func(c *Config) { c.RateLimits = rateLimits })
}

// newTestServerConfig lets a test edit the web Config (e.g. trust
// X-Forwarded-For from loopback to play several client addresses).
func newTestServerConfig(t testing.TB, edit func(*Config)) *testServer {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	clk := clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))
	accounts := account.NewStore(d, clk)
	bk := bank.NewStore(d, clk)
	linter := bank.NewLinter(nil)
	bk.ActivationCheck = linter.ActivationCheck
	ts := &testServer{db: d, clk: clk, bank: bk, accounts: accounts}
	// The server listens before the services exist, so the base URL in
	// tokens can name its real address.
	var handler http.Handler
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	certs, err := cert.New(ctx, d, clk, ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	ts.certs = certs
	// A low minimum sample lets the statistics tests show figures from a
	// few dozen simulated candidates.
	exams := exam.NewService(d, clk, bk, certs, exam.Config{Grace: 5 * time.Second, Logger: slog.New(slog.DiscardHandler),
		Stats: exam.StatsConfig{Thresholds: stats.Thresholds{MinN: 10}}})
	ts.exams = exams
	if err := exams.EnsureDefaultTiers(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := defaultbank.Load(ctx, bk); err != nil {
		t.Fatal(err)
	}
	if _, _, err := accounts.EnsureAdmin(ctx, "admin@example.com", "Admin", "admin password here"); err != nil {
		t.Fatal(err)
	}
	cfg := Config{BaseURL: ts.URL, RateLimits: true}
	edit(&cfg)
	srv, err := New(cfg, Deps{DB: d, Accounts: accounts, Bank: bk, Linter: linter,
		Exams: exams, Certs: certs, Clock: clk, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	ts.srv = srv
	handler = srv.Handler()
	ts.admin = ts.login(t, "admin@example.com", "admin password here")
	return ts
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r resp) code() string {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(r.body, &e)
	return e.Error.Code
}

func (ts *testServer) call(t testing.TB, method, path, token string, body any) resp {
	t.Helper()
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		rd, ctype = strings.NewReader(b), "text/plain"
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, ts.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, data}
}

func (ts *testServer) login(t testing.TB, email, password string) string {
	t.Helper()
	r := ts.call(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	if r.status != 200 {
		t.Fatalf("login %s: %d %s", email, r.status, r.body)
	}
	var out struct{ Token string }
	r.decode(t, &out)
	return out.Token
}

func (ts *testServer) candidate(t testing.TB, email string) string {
	t.Helper()
	r := ts.call(t, "POST", "/api/v1/auth/register", "", map[string]string{"email": email, "name": "Cand " + email, "password": "correct horse battery"})
	if r.status != 201 {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	return ts.login(t, email, "correct horse battery")
}

type apiAttempt struct {
	ID               string `json:"id"`
	Status           string `json:"status"`
	RemainingSeconds int    `json:"remaining_seconds"`
	Questions        []struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Options []struct{ ID, Text string }
	} `json:"questions"`
}

func (ts *testServer) start(t testing.TB, token, tier string) apiAttempt {
	t.Helper()
	r := ts.call(t, "POST", "/api/v1/attempts", token, map[string]string{"tier": tier})
	if r.status != 201 {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	var a apiAttempt
	r.decode(t, &a)
	return a
}

// key reads which displayed options are right, straight from the database.
// key is the right answer to every question of an attempt, as the body of
// its PUT: choices (in order, for ordering), pairings or a typed number.
func (ts *testServer) key(t testing.TB, attemptID string) map[string]map[string]any {
	t.Helper()
	rows, err := ts.db.R.Query(`SELECT question_id, item_id, item_version, option_order, match_order FROM attempt_questions WHERE attempt_id = ?`, attemptID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]map[string]any{}
	id := func(p int) string { return string(rune('a' + p)) }
	for rows.Next() {
		var qid, order, matchOrder string
		var ref bank.Ref
		if err := rows.Scan(&qid, &ref.ID, &ref.Version, &order, &matchOrder); err != nil {
			t.Fatal(err)
		}
		it, err := ts.bank.FindItemVersion(context.Background(), ref.ID, ref.Version)
		if err != nil {
			t.Fatal(err)
		}
		var o, mo []int
		_ = json.Unmarshal([]byte(order), &o)
		_ = json.Unmarshal([]byte(matchOrder), &mo)
		choices := []string{}
		switch it.Type {
		case bank.Numeric:
			out[qid] = map[string]any{"value": strconv.FormatFloat(it.Numeric.Value, 'f', -1, 64)}
			continue
		case bank.Ordering: // authored order is the right order
			for a := range it.Options {
				choices = append(choices, id(slices.Index(o, a)))
			}
		case bank.Matching: // each displayed prompt's own answer
			for _, prompt := range o {
				choices = append(choices, id(slices.Index(mo, prompt)))
			}
		default:
			for pos, idx := range o {
				if it.Options[idx].Correct {
					choices = append(choices, id(pos))
				}
			}
		}
		out[qid] = map[string]any{"choices": choices}
	}
	return out
}

// choice is the i-th question of a form that takes option choices, for
// tests of what every question type shares.
func (a apiAttempt) choice(t testing.TB, i int) (q struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Options []struct{ ID, Text string }
}) {
	t.Helper()
	for _, q := range a.Questions {
		if q.Type == "single" || q.Type == "true_false" || q.Type == "multiple" {
			if i == 0 {
				return q
			}
			i--
		}
	}
	t.Fatalf("the form has too few choice questions")
	return q
}

func TestAttemptAPI(t *testing.T) {
	ts := newTestServer(t)
	ana := ts.candidate(t, "ana@example.com")
	bo := ts.candidate(t, "bo@example.com")
	a := ts.start(t, ana, "foundation")
	if len(a.Questions) != 30 || a.RemainingSeconds != 45*60 {
		t.Fatalf("attempt has %d questions and %d s", len(a.Questions), a.RemainingSeconds)
	}
	raw := ts.call(t, "GET", "/api/v1/attempts/"+a.ID, ana, nil)
	for _, leak := range []string{`"correct"`, `"feedback"`, `"rationale"`, `"item_id"`, `"source"`} {
		if bytes.Contains(raw.body, []byte(leak)) {
			t.Errorf("the attempt sent to the candidate contains %s", leak)
		}
	}
	q := a.choice(t, 0)
	tests := []struct {
		name   string
		method string
		path   string
		token  string
		body   any
		status int
		code   string
	}{
		{"SaveOK", "PUT", "/api/v1/attempts/" + a.ID + "/answers/" + q.ID, ana, map[string]any{"choices": []string{q.Options[0].ID}, "flagged": true}, 200, ""},
		{"SaveAgainIdempotent", "PUT", "/api/v1/attempts/" + a.ID + "/answers/" + q.ID, ana, map[string]any{"choices": []string{q.Options[0].ID}, "flagged": true}, 200, ""},
		{"ErrInvalidChoice", "PUT", "/api/v1/attempts/" + a.ID + "/answers/" + q.ID, ana, map[string]any{"choices": []string{"zz"}}, 422, "invalid_choice"},
		{"ErrUnknownField", "PUT", "/api/v1/attempts/" + a.ID + "/answers/" + q.ID, ana, map[string]any{"choice": "a"}, 400, "unknown_field"},
		{"ErrNoQuestion", "PUT", "/api/v1/attempts/" + a.ID + "/answers/q999", ana, map[string]any{"choices": []string{"a"}}, 404, "question_not_found"},
		{"ErrOtherUsersAttempt", "GET", "/api/v1/attempts/" + a.ID, bo, nil, 404, "attempt_not_found"},
		{"ErrOtherUserSaves", "PUT", "/api/v1/attempts/" + a.ID + "/answers/" + q.ID, bo, map[string]any{"choices": []string{"a"}}, 404, "attempt_not_found"},
		{"ErrSecondAttempt", "POST", "/api/v1/attempts", ana, map[string]string{"tier": "foundation"}, 409, "attempt_in_progress"},
		{"ErrPrerequisite", "POST", "/api/v1/attempts", bo, map[string]string{"tier": "practitioner"}, 403, "prerequisite_missing"},
		{"ErrResultWhileOpen", "GET", "/api/v1/attempts/" + a.ID + "/result", ana, nil, 409, "attempt_open"},
		{"ErrAnonymous", "GET", "/api/v1/attempts", "", nil, 401, "unauthenticated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.call(t, tt.method, tt.path, tt.token, tt.body)
			if r.status != tt.status || r.code() != tt.code {
				t.Fatalf("%d %q, want %d %q: %s", r.status, r.code(), tt.status, tt.code, r.body)
			}
		})
	}
	t.Run("SaveAck", func(t *testing.T) {
		ts.clk.Advance(90 * time.Second)
		r := ts.call(t, "PUT", "/api/v1/attempts/"+a.ID+"/answers/"+a.choice(t, 1).ID, ana, map[string]any{"choices": []string{a.choice(t, 1).Options[1].ID}})
		var ack struct {
			SavedAt          time.Time `json:"saved_at"`
			RemainingSeconds int       `json:"remaining_seconds"`
		}
		r.decode(t, &ack)
		if got, want := ack.RemainingSeconds, 45*60-90; got != want || !ack.SavedAt.Equal(ts.clk.Now()) {
			t.Fatalf("ack = %+v, want %d s left", ack, want)
		}
	})
	t.Run("SubmitTwiceSameResult", func(t *testing.T) {
		r1 := ts.call(t, "POST", "/api/v1/attempts/"+a.ID+"/submit", ana, nil)
		r2 := ts.call(t, "POST", "/api/v1/attempts/"+a.ID+"/submit", ana, nil)
		if r1.status != 200 || !bytes.Equal(r1.body, r2.body) {
			t.Fatalf("submits differ: %s / %s", r1.body, r2.body)
		}
		r := ts.call(t, "PUT", "/api/v1/attempts/"+a.ID+"/answers/"+q.ID, ana, map[string]any{"choices": []string{q.Options[1].ID}})
		if r.status != 409 || r.code() != "attempt_closed" {
			t.Fatalf("save after submit: %d %s", r.status, r.body)
		}
	})
}

func TestLateAnswerRefused(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "late@example.com")
	a := ts.start(t, tok, "foundation")
	q := a.choice(t, 0)
	save := func() resp {
		return ts.call(t, "PUT", "/api/v1/attempts/"+a.ID+"/answers/"+q.ID, tok, map[string]any{"choices": []string{q.Options[0].ID}})
	}
	ts.clk.Advance(45*time.Minute + 3*time.Second) // past the deadline, inside the grace
	if r := save(); r.status != 200 {
		t.Fatalf("save within grace: %d %s", r.status, r.body)
	}
	ts.clk.Advance(3 * time.Second) // past the grace
	r := save()
	if r.status != 409 || r.code() != "attempt_closed" || !strings.Contains(string(r.body), "time is up") {
		t.Fatalf("late save: %d %s", r.status, r.body)
	}
	var res struct {
		AutoSubmitted bool      `json:"auto_submitted"`
		SubmittedAt   time.Time `json:"submitted_at"`
	}
	rr := ts.call(t, "GET", "/api/v1/attempts/"+a.ID+"/result", tok, nil)
	rr.decode(t, &res)
	if !res.AutoSubmitted {
		t.Errorf("result after the deadline is not marked auto-submitted: %s", rr.body)
	}
}

func TestConcurrentSubmitsOneResult(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "race@example.com")
	a := ts.start(t, tok, "foundation")
	key := ts.key(t, a.ID)
	for qid, body := range key {
		ts.call(t, "PUT", "/api/v1/attempts/"+a.ID+"/answers/"+qid, tok, body)
	}
	bodies := make([][]byte, 50)
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := ts.call(t, "POST", "/api/v1/attempts/"+a.ID+"/submit", tok, nil)
			if r.status == 200 {
				bodies[i] = r.body
			}
		}(i)
	}
	wg.Wait()
	for i, b := range bodies {
		if !bytes.Equal(b, bodies[0]) {
			t.Fatalf("submit %d answered differently:\n%s\n%s", i, b, bodies[0])
		}
	}
	var n int
	if err := ts.db.R.QueryRow(`SELECT count(*) FROM credentials WHERE attempt_id = ?`, a.ID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("credentials for the attempt = %d (%v), want 1", n, err)
	}
}

// pass takes and passes the foundation exam, returning the result's
// certificate.
func (ts *testServer) pass(t testing.TB, tok string) cert.Credential {
	t.Helper()
	a := ts.start(t, tok, "foundation")
	for qid, body := range ts.key(t, a.ID) {
		if r := ts.call(t, "PUT", "/api/v1/attempts/"+a.ID+"/answers/"+qid, tok, body); r.status != 200 {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
	}
	r := ts.call(t, "POST", "/api/v1/attempts/"+a.ID+"/submit", tok, nil)
	var res struct {
		Outcome      string           `json:"outcome"`
		ScorePercent float64          `json:"score_percent"`
		Domains      []map[string]any `json:"domains"`
		Certificate  *cert.Credential `json:"certificate"`
	}
	r.decode(t, &res)
	if res.Outcome != "passed" || res.ScorePercent != 100 || len(res.Domains) != 3 || res.Certificate == nil {
		t.Fatalf("result = %s", r.body)
	}
	return *res.Certificate
}

func TestCertificateAPI(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "holder@example.com")
	other := ts.candidate(t, "other@example.com")
	c := ts.pass(t, tok)
	if !strings.HasPrefix(c.VerifyURL, ts.URL+"/verify/") || c.Status != "valid" {
		t.Fatalf("certificate = %+v", c)
	}

	t.Run("OwnerOnly", func(t *testing.T) {
		if r := ts.call(t, "GET", "/api/v1/certificates/"+c.ID, other, nil); r.status != 404 {
			t.Errorf("another candidate reads the certificate: %d", r.status)
		}
		if r := ts.call(t, "GET", "/api/v1/certificates/"+c.ID+"/pdf", other, nil); r.status != 404 {
			t.Errorf("another candidate downloads the PDF: %d", r.status)
		}
		r := ts.call(t, "GET", "/api/v1/certificates/"+c.ID+"/pdf", tok, nil)
		if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF-")) {
			t.Errorf("owner's PDF: %d %s", r.status, r.header.Get("Content-Type"))
		}
		if r := ts.call(t, "GET", "/api/v1/certificates/"+c.ID+"/pdf", ts.admin, nil); r.status != 200 {
			t.Errorf("admin's PDF: %d", r.status)
		}
	})

	verify := func(t *testing.T, query string) (string, string) {
		t.Helper()
		r := ts.call(t, "GET", "/api/v1/verify?"+query, "", nil)
		var v cert.Verification
		r.decode(t, &v)
		holder := ""
		if v.Certificate != nil {
			holder = v.Certificate.HolderName
		}
		return v.Status, holder
	}
	tampered := c.Token[:len(c.Token)-3] + "AAA"
	for _, tt := range []struct{ name, query, status, holder string }{
		{"ByToken", "token=" + c.Token, "valid", "Cand holder@example.com"},
		{"ByID", "id=" + c.ID, "valid", "Cand holder@example.com"},
		{"ByTypedID", "id=" + strings.ToLower(strings.ReplaceAll(c.ID, "-", "")), "valid", "Cand holder@example.com"},
		{"Tampered", "token=" + tampered, "invalid", ""},
		{"UnknownID", "id=MOPS-0000-0000-0000", "invalid", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if st, h := verify(t, tt.query); st != tt.status || h != tt.holder {
				t.Fatalf("verify %s = %s %q, want %s %q", tt.name, st, h, tt.status, tt.holder)
			}
		})
	}
	t.Run("ErrNeitherTokenNorID", func(t *testing.T) {
		if r := ts.call(t, "GET", "/api/v1/verify", "", nil); r.status != 400 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("Revoked", func(t *testing.T) {
		r := ts.call(t, "POST", "/api/v1/admin/certificates/"+c.ID+"/revoke", ts.admin, map[string]string{"reason": "identity fraud"})
		if r.status != 200 {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		if st, _ := verify(t, "token="+c.Token); st != "revoked" {
			t.Fatalf("after revoking: %s", st)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		c2 := ts.pass(t, other)
		ts.clk.Advance(731 * 24 * time.Hour)
		if st, _ := verify(t, "id="+c2.ID); st != "expired" {
			t.Fatalf("after expiry: %s", st)
		}
	})
}

func TestAdminItemsAPI(t *testing.T) {
	ts := newTestServer(t)
	cand := ts.candidate(t, "c@example.com")
	item := map[string]any{
		"domain": "tools", "tiers": []string{"foundation"}, "topic": "utm", "type": "single",
		"stem":      "Which UTM parameter names the **campaign**?",
		"options":   []map[string]any{{"text": "utm_campaign", "correct": true}, {"text": "utm_source"}, {"text": "utm_medium"}, {"text": "utm_term"}},
		"rationale": "utm_campaign carries the campaign name.", "source": "topic: UTM governance",
	}
	r := ts.call(t, "POST", "/api/v1/admin/items", ts.admin, item)
	var it bank.Item
	r.decode(t, &it)
	if r.status != 201 || it.Version != 1 || it.Status != bank.Draft || it.ID == "" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	base := "/api/v1/admin/items/" + it.ID
	item["stem"] = "Which UTM parameter carries the **campaign** name?"
	item["version"] = 1
	r = ts.call(t, "PUT", base, ts.admin, item)
	r.decode(t, &it)
	if r.status != 200 || it.Version != 2 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	tests := []struct {
		name   string
		method string
		path   string
		token  string
		body   any
		status int
		code   string
	}{
		{"ErrStaleVersion", "PUT", base, ts.admin, item, 409, "version_conflict"},
		{"ErrCandidate", "GET", "/api/v1/admin/items", cand, nil, 403, "forbidden"},
		{"ErrSkipReview", "POST", base + "/status", ts.admin, map[string]string{"status": "active"}, 409, "status_transition_not_allowed"},
		{"Review", "POST", base + "/status", ts.admin, map[string]string{"status": "review"}, 200, ""},
		{"Activate", "POST", base + "/status", ts.admin, map[string]string{"status": "active"}, 200, ""},
		{"ErrValidation", "POST", "/api/v1/admin/items", ts.admin, map[string]any{"domain": "tools", "type": "single", "stem": "x", "options": []map[string]any{{"text": "a", "correct": true}, {"text": "a", "correct": true}}}, 422, "validation_failed"},
		{"ErrNotFound", "GET", "/api/v1/admin/items/nope", ts.admin, nil, 404, "item_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.call(t, tt.method, tt.path, tt.token, tt.body)
			if r.status != tt.status || r.code() != tt.code {
				t.Fatalf("%d %q, want %d %q: %s", r.status, r.code(), tt.status, tt.code, r.body)
			}
		})
	}
	t.Run("OldVersionReadable", func(t *testing.T) {
		var v1 bank.Item
		ts.call(t, "GET", base+"?version=1", ts.admin, nil).decode(t, &v1)
		if v1.Version != 1 || !strings.Contains(v1.Stem, "names the") {
			t.Fatalf("version 1 = %+v", v1)
		}
	})
	t.Run("VendorNameBlocksActivation", func(t *testing.T) {
		bad := map[string]any{"domain": "tools", "tiers": []string{"foundation"}, "topic": "crm", "type": "true_false",
			"stem": "Salesforce is the only CRM a team should use.", "options": []map[string]any{{"text": "True"}, {"text": "False", "correct": true}},
			"rationale": "No.", "source": "x"}
		var b bank.Item
		ts.call(t, "POST", "/api/v1/admin/items", ts.admin, bad).decode(t, &b)
		ts.call(t, "POST", "/api/v1/admin/items/"+b.ID+"/status", ts.admin, map[string]string{"status": "review"})
		r := ts.call(t, "POST", "/api/v1/admin/items/"+b.ID+"/status", ts.admin, map[string]string{"status": "active"})
		if r.status != 409 || r.code() != "lint_errors" {
			t.Fatalf("activating a vendor-named item: %d %s", r.status, r.body)
		}
	})
	t.Run("ImportNamesBadLineImportsNothing", func(t *testing.T) {
		var before, after int
		_ = ts.db.R.QueryRow(`SELECT count(*) FROM items`).Scan(&before)
		gift := "::a:: One? {=yes ~no}\r\n\r\n::b:: Two? {=yes ~no\r\n\r\n"
		r := ts.call(t, "POST", "/api/v1/admin/bank/import?format=gift", ts.admin, gift)
		var e struct {
			Error struct {
				Lines []struct {
					Line    int
					Message string
				}
			} `json:"error"`
		}
		r.decode(t, &e)
		if r.status != 422 || len(e.Error.Lines) == 0 || e.Error.Lines[0].Line != 3 {
			t.Fatalf("bad import: %d %s", r.status, r.body)
		}
		_ = ts.db.R.QueryRow(`SELECT count(*) FROM items`).Scan(&after)
		if after != before {
			t.Fatalf("items %d → %d after a refused import", before, after)
		}
	})
	t.Run("ExportImportRoundTrip", func(t *testing.T) {
		r := ts.call(t, "GET", "/api/v1/admin/bank/export?format=yaml", ts.admin, nil)
		if r.status != 200 {
			t.Fatalf("export: %d", r.status)
		}
		r = ts.call(t, "POST", "/api/v1/admin/bank/import?format=yaml", ts.admin, string(r.body))
		var res struct {
			Imported, Unchanged int
		}
		r.decode(t, &res)
		if r.status != 200 || res.Imported != 0 || res.Unchanged < 240 {
			t.Fatalf("re-import of the export: %d %s", r.status, r.body)
		}
	})
}

func TestTiersAPI(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "t@example.com")
	var anon []map[string]any
	ts.call(t, "GET", "/api/v1/tiers", "", nil).decode(t, &anon)
	if len(anon) != 3 || anon[0]["code"] != "foundation" {
		t.Fatalf("tiers = %v", anon)
	}
	if _, ok := anon[0]["eligible"]; ok {
		t.Error("eligible is shown to an anonymous caller")
	}
	var mine []map[string]any
	ts.call(t, "GET", "/api/v1/tiers", tok, nil).decode(t, &mine)
	if mine[0]["eligible"] != true || mine[1]["eligible"] != false || mine[1]["ineligible_reason"] != "prerequisite_missing" {
		t.Fatalf("tiers for a new candidate = %v", mine)
	}
	r := ts.call(t, "PUT", "/api/v1/admin/tiers/foundation", ts.admin, map[string]any{"blueprint": map[string]int{"concepts": 150, "tools": 10, "soft_skills": 8}})
	if r.status != 422 || r.code() != "blueprint_unfillable" {
		t.Fatalf("unfillable blueprint: %d %s", r.status, r.body)
	}
}

func TestRetakeTooSoonSaysWhen(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "retake@example.com")
	a := ts.start(t, tok, "foundation")
	ts.call(t, "POST", "/api/v1/attempts/"+a.ID+"/submit", tok, nil) // nothing answered: a fail
	r := ts.call(t, "POST", "/api/v1/attempts", tok, map[string]string{"tier": "foundation"})
	if r.status != 429 || r.code() != "retake_too_soon" {
		t.Fatalf("retake at once: %d %s", r.status, r.body)
	}
	if got := r.header.Get("Retry-After"); got != "86400" {
		t.Errorf("Retry-After = %q, want 86400 (the 24 h wait)", got)
	}
	ts.clk.Advance(24*time.Hour + time.Second)
	tok = ts.login(t, "retake@example.com", "correct horse battery") // the old session idled out
	if r := ts.call(t, "POST", "/api/v1/attempts", tok, map[string]string{"tier": "foundation"}); r.status != 201 {
		t.Fatalf("retake after the wait: %d %s", r.status, r.body)
	}
}

func TestExtraTimeFromCandidatesPage(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "needs.time@example.com")
	page := ts.call(t, "GET", "/admin/candidates?q=needs.time", ts.admin, nil)
	if page.status != 200 || !bytes.Contains(page.body, []byte("needs.time@example.com")) {
		t.Fatalf("candidates page: %d", page.status)
	}
	var me struct{ ID string }
	ts.call(t, "GET", "/api/v1/me", tok, nil).decode(t, &me)
	req, _ := http.NewRequest("POST", ts.URL+"/admin/candidates/"+me.ID+"/accommodation", strings.NewReader("multiplier=1.5&note=documented+need"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+ts.admin)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("grant: %d", res.StatusCode)
	}
	a := ts.start(t, tok, "foundation")
	if got, want := a.RemainingSeconds, 45*60*3/2; got != want {
		t.Fatalf("remaining = %d s, want %d (45 min + 50 %%)", got, want)
	}
	if r := ts.call(t, "GET", "/admin/candidates", tok, nil); r.status != 403 {
		t.Errorf("a candidate opened the candidates page: %d", r.status)
	}
}

func TestVerifyPageSaysForged(t *testing.T) {
	ts := newTestServer(t)
	c := ts.pass(t, ts.candidate(t, "forge@example.com"))
	parts := strings.Split(c.Token, ".")
	// Change the name in the payload and keep the signature: a forgery.
	claims := strings.Replace(decodeSegment(t, parts[1]), `"name":"Cand forge@example.com"`, `"name":"Someone Else"`, 1)
	forged := parts[0] + "." + encodeSegment(claims) + "." + parts[2]
	r := ts.call(t, "GET", "/verify/"+forged, "", nil)
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, "Not valid") || !strings.Contains(body, "altered or forged") {
		t.Fatalf("forged token page: %d\n%s", r.status, body)
	}
	if strings.Contains(body, "Someone Else") || strings.Contains(body, "Cand forge") {
		t.Error("the page for a forged token shows a holder name")
	}
}

func decodeSegment(t *testing.T, s string) string {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func encodeSegment(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
