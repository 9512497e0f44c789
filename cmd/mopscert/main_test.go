package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mopscert/mopscert/db/dbtest"
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "admin password for tests"
)

// startMain runs the real program on 127.0.0.1:0 with a database file in a
// temporary folder (or a fresh PostgreSQL database when
// MOPSCERT_TEST_POSTGRES is set), and stops it when the test ends.
func startMain(t testing.TB, dbPath string, edit func(*Config)) *Main {
	t.Helper()
	if dbPath == "" {
		dbPath = dbtest.DSN(t)
	}
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DB = dbPath
	cfg.AdminEmail, cfg.AdminPassword = adminEmail, adminPassword
	cfg.LogLevel = "warn"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "http://" + ln.Addr().String() // links in certificates point here
	if edit != nil {
		edit(&cfg)
	}
	logs := &bytes.Buffer{}
	m := NewMain(cfg, io.Discard, &lockedWriter{w: logs})
	m.Listener = ln
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		_ = m.Close()
		if t.Failed() && logs.Len() > 0 {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return m
}

// lockedWriter lets the server's goroutines share one log buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// client is a small API client for tests.
type client struct {
	t     testing.TB
	base  string
	token string
	http  *http.Client
}

func newClient(t testing.TB, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (r response) errCode() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

func (c *client) do(method, path string, body any, hdr map[string]string) response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Header: res.Header, Body: data}
}

func (c *client) login(email, password string) response {
	c.t.Helper()
	r := c.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, nil)
	if r.Status == http.StatusOK {
		var out struct {
			Token string `json:"token"`
		}
		r.json(c.t, &out)
		c.token = out.Token
	}
	return r
}

func mustStatus(t testing.TB, r response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d; body %s", r.Status, want, r.Body)
	}
}

// register creates a candidate and returns a client signed in with a bearer
// token.
func register(t testing.TB, base, email string) *client {
	t.Helper()
	c := newClient(t, base)
	mustStatus(t, c.do("POST", "/api/v1/auth/register", map[string]string{"email": email, "name": "Test " + email, "password": "correct horse battery"}, nil), 201)
	mustStatus(t, c.login(email, "correct horse battery"), 200)
	return c
}

func TestAccountsEndToEnd(t *testing.T) {
	m := startMain(t, "", nil)
	base := m.URL()

	anon := newClient(t, base)
	r := anon.do("POST", "/api/v1/auth/register", map[string]string{"email": "ana@example.com", "name": "Ana Lima", "password": "correct horse battery"}, nil)
	mustStatus(t, r, 201)
	var u struct{ ID, Email, Name, Role string }
	r.json(t, &u)
	if u.Role != "candidate" || u.Email != "ana@example.com" || u.ID == "" {
		t.Fatalf("registered user = %+v", u)
	}

	t.Run("BearerToken", func(t *testing.T) {
		c := newClient(t, base)
		mustStatus(t, c.login("ana@example.com", "correct horse battery"), 200)
		c.http.Jar, _ = cookiejar.New(nil) // bearer only
		r := c.do("GET", "/api/v1/me", nil, nil)
		mustStatus(t, r, 200)
		var me struct{ Email string }
		r.json(t, &me)
		if me.Email != "ana@example.com" {
			t.Fatalf("me = %s", r.Body)
		}
		mustStatus(t, c.do("POST", "/api/v1/auth/logout", nil, nil), 204)
		r = c.do("GET", "/api/v1/me", nil, nil)
		mustStatus(t, r, 401)
	})

	t.Run("Cookie", func(t *testing.T) {
		c := newClient(t, base)
		mustStatus(t, c.login("ana@example.com", "correct horse battery"), 200)
		c.token = "" // cookie only
		mustStatus(t, c.do("GET", "/api/v1/me", nil, nil), 200)
		// An unsafe cookie request without the CSRF token is refused…
		r := c.do("POST", "/api/v1/auth/logout", nil, nil)
		mustStatus(t, r, 403)
		if r.errCode() != "csrf_failed" {
			t.Errorf("code = %q", r.errCode())
		}
		// …and goes through with it (the token is on every page).
		page := c.do("GET", "/dashboard", nil, nil)
		mustStatus(t, page, 200)
		tok := csrfFrom(t, page.Body)
		mustStatus(t, c.do("POST", "/api/v1/auth/logout", nil, map[string]string{"X-CSRF-Token": tok}), 204)
		mustStatus(t, c.do("GET", "/api/v1/me", nil, nil), 401)
	})

	t.Run("Health", func(t *testing.T) {
		mustStatus(t, anon.do("GET", "/healthz", nil, nil), 200)
		mustStatus(t, anon.do("GET", "/readyz", nil, nil), 200)
	})

	t.Run("SecurityHeaders", func(t *testing.T) {
		r := anon.do("GET", "/", nil, nil)
		mustStatus(t, r, 200)
		for k, want := range map[string]string{
			"Content-Security-Policy": "frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			// same-origin: the token in a verify URL never goes to another
			// site, and our own form posts carry an Origin to check.
			"Referrer-Policy": "same-origin",
		} {
			if !strings.Contains(r.Header.Get(k), want) {
				t.Errorf("%s = %q, want it to contain %q", k, r.Header.Get(k), want)
			}
		}
		if strings.Contains(r.Header.Get("Content-Security-Policy"), "unsafe-inline") {
			t.Error("CSP allows inline script")
		}
	})
}

var csrfRe = `name="csrf_token" value="`

func csrfFrom(t testing.TB, body []byte) string {
	t.Helper()
	s := string(body)
	i := strings.Index(s, csrfRe)
	if i < 0 {
		if j := strings.Index(s, `name="csrf-token" content="`); j >= 0 {
			s = s[j+len(`name="csrf-token" content="`):]
			return s[:strings.IndexByte(s, '"')]
		}
		t.Fatalf("no CSRF token in page")
	}
	s = s[i+len(csrfRe):]
	return s[:strings.IndexByte(s, '"')]
}

func TestBadInput(t *testing.T) {
	m := startMain(t, "", nil)
	base := m.URL()
	register(t, base, "taken@example.com")
	cand := register(t, base, "cand@example.com")

	tests := []struct {
		name   string
		method string
		path   string
		body   any
		hdr    map[string]string
		status int
		code   string
	}{
		{"DuplicateEmail", "POST", "/api/v1/auth/register", map[string]string{"email": "taken@example.com", "name": "X", "password": "correct horse battery"}, nil, 409, "email_taken"},
		{"WeakPassword", "POST", "/api/v1/auth/register", map[string]string{"email": "w@example.com", "name": "X", "password": "short"}, nil, 422, "validation_failed"},
		{"LongPassword", "POST", "/api/v1/auth/register", map[string]string{"email": "l@example.com", "name": "X", "password": strings.Repeat("a", 200)}, nil, 422, "validation_failed"},
		{"MalformedJSON", "POST", "/api/v1/auth/register", `{"email": "x@example.com",`, nil, 400, "invalid_json"},
		{"UnknownField", "POST", "/api/v1/auth/register", `{"email":"u@example.com","name":"U","password":"correct horse battery","admin":true}`, nil, 400, "unknown_field"},
		{"NotJSON", "POST", "/api/v1/auth/login", "email=a", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 400, "unsupported_media_type"},
		{"HugeBody", "POST", "/api/v1/auth/register", `{"name":"` + strings.Repeat("x", 10<<20) + `"}`, nil, 413, "body_too_large"},
		{"WrongPassword", "POST", "/api/v1/auth/login", map[string]string{"email": "taken@example.com", "password": "not the password"}, nil, 401, "invalid_credentials"},
		{"NoAuth", "GET", "/api/v1/me", nil, nil, 401, "unauthenticated"},
		{"BadBearer", "GET", "/api/v1/me", nil, map[string]string{"Authorization": "Bearer nonsense"}, 401, "unauthenticated"},
		{"NotFound", "GET", "/api/v1/nothing-here", nil, nil, 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, base)
			r := c.do(tt.method, tt.path, tt.body, tt.hdr)
			mustStatus(t, r, tt.status)
			if got := r.errCode(); got != tt.code {
				t.Errorf("code = %q, want %q (%s)", got, tt.code, r.Body)
			}
		})
	}

	t.Run("ValidationNamesFields", func(t *testing.T) {
		r := newClient(t, base).do("POST", "/api/v1/auth/register", map[string]string{"email": "bad", "name": "", "password": "x"}, nil)
		mustStatus(t, r, 422)
		var e struct {
			Error struct{ Fields map[string]string } `json:"error"`
		}
		r.json(t, &e)
		for _, f := range []string{"email", "name", "password"} {
			if e.Error.Fields[f] == "" {
				t.Errorf("no message for field %s: %s", f, r.Body)
			}
		}
	})

	t.Run("CandidateOnAdminRoute", func(t *testing.T) {
		r := cand.do("GET", "/api/v1/admin/items", nil, nil)
		mustStatus(t, r, 403)
		r = cand.do("POST", "/api/v1/admin/keys/rotate", nil, nil)
		mustStatus(t, r, 403)
	})

	t.Run("LoginThrottledDespiteForwardedFor", func(t *testing.T) {
		c := newClient(t, base)
		limited := 0
		for i := 0; i < 200; i++ {
			ip := fmt.Sprintf("%d.%d.%d.%d", 1+i%200, i%250, (i*7)%250, 1+(i*13)%250)
			r := c.do("POST", "/api/v1/auth/login", map[string]string{"email": fmt.Sprintf("victim%d@example.com", i%3), "password": "guess " + fmt.Sprint(i)},
				map[string]string{"X-Forwarded-For": ip, "X-Real-IP": ip})
			if r.Status == http.StatusTooManyRequests {
				limited++
				if r.Header.Get("Retry-After") == "" {
					t.Fatal("429 without Retry-After")
				}
			}
		}
		if limited < 150 {
			t.Fatalf("only %d of 200 guesses were throttled", limited)
		}
		// Made-up X-Forwarded-For values did not give the client fresh
		// addresses: it is still throttled.
		mustStatus(t, newClient(t, base).login("taken@example.com", "correct horse battery"), 429)
	})
}

func TestSessionSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "restart.db")
	m := startMain(t, path, nil)
	c := register(t, m.URL(), "keep@example.com")
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m2 := startMain(t, path, nil)
	c.base = m2.URL()
	r := c.do("GET", "/api/v1/me", nil, nil)
	mustStatus(t, r, 200)
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		err  string
	}{
		{"Version", []string{"version"}, nil, 0, ""},
		{"UnknownFlag", []string{"serve", "--nope"}, nil, 2, "flag provided but not defined"},
		{"BadDuration", []string{"serve", "--grace", "soon"}, nil, 2, "invalid value"},
		{"BadBaseURL", []string{"serve", "--base-url", "ftp://x"}, nil, 2, "base URL"},
		{"BadEnvBool", []string{"serve"}, map[string]string{"MOPSCERT_RATE_LIMITS": "maybe"}, 2, "MOPSCERT_RATE_LIMITS"},
		{"UnknownCommand", []string{"frobnicate"}, nil, 2, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			getenv := func(k string) string { return tt.env[k] }
			code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errOut, getenv)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, errOut.String())
			}
			if tt.err != "" && !strings.Contains(errOut.String(), tt.err) {
				t.Errorf("stderr %q does not mention %q", errOut.String(), tt.err)
			}
			if tt.code == 2 && strings.Count(strings.TrimSpace(errOut.String()), "\n") > 0 {
				t.Errorf("usage error is not one line: %q", errOut.String())
			}
		})
	}
}

func mustReq(t testing.TB, method, url, body, token string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

func TestAdminCreateCommand(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "cli.db")
	env := func(k string) string { return map[string]string{"MOPSCERT_DB": dbPath}[k] }
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"admin", "create", "--email", "ops@example.com", "--name", "Ops Lead", "--password-stdin"},
		strings.NewReader("a long admin passphrase\n"), &out, &errOut, env)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	// Generated when no password is given (stdin is not a terminal here).
	out.Reset()
	if code := run(context.Background(), []string{"admin", "create", "--email", "ops2@example.com", "--name", "Ops Two"},
		strings.NewReader(""), &out, &errOut, env); code != 0 || !strings.Contains(out.String(), "Password: ") {
		t.Fatalf("exit %d, output %q", code, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"migrate", "status"}, nil, &out, &errOut, env); code != 0 || !strings.Contains(out.String(), "applied") {
		t.Fatalf("migrate status: exit %d, %q", code, out.String())
	}
	m := startMain(t, dbPath, nil)
	c := newClient(t, m.URL())
	mustStatus(t, c.login("ops@example.com", "a long admin passphrase"), 200)
	var me struct{ Role string }
	c.do("GET", "/api/v1/me", nil, nil).json(t, &me)
	if me.Role != "admin" {
		t.Fatalf("role = %q", me.Role)
	}
}

func TestBankCommands(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "bank.db")
	env := func(k string) string { return map[string]string{"MOPSCERT_DB": dbPath}[k] }
	m := startMain(t, dbPath, nil) // seeds the default bank
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	cli := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &out, &errOut, env)
		return code, out.String(), errOut.String()
	}
	if code, out, _ := cli("bank", "lint"); code != 0 || !strings.Contains(out, "0 errors") {
		t.Fatalf("bank lint: exit %d\n%s", code, out)
	}
	export := filepath.Join(dir, "bank.yaml")
	if code, _, errOut := cli("bank", "export", "--out", export); code != 0 {
		t.Fatalf("bank export: exit %d %s", code, errOut)
	}
	if code, out, errOut := cli("bank", "import", export, "--dry-run"); code != 0 || !strings.Contains(out, "would import 0 items") {
		t.Fatalf("re-import of the export: exit %d %q %q", code, out, errOut)
	}
	// The GIFT export read back as German: every question names its item,
	// so a dry run plans a German version for each (the export holds the
	// English, which differs from the shipped German), and stores nothing.
	gift := filepath.Join(dir, "bank.gift")
	if code, _, errOut := cli("bank", "export", "--format", "gift", "--out", gift); code != 0 {
		t.Fatalf("bank export gift: exit %d %s", code, errOut)
	}
	if code, out, errOut := cli("bank", "import", gift, "--language", "de", "--dry-run"); code != 0 ||
		!strings.Contains(out, "would import de translations of ") || strings.Contains(out, "of 0 items") {
		t.Fatalf("German dry run: exit %d %q %q", code, out, errOut)
	}
	if code, _, errOut := cli("bank", "import", export, "--language", "de"); code != 1 || !strings.Contains(errOut, "translations: block") {
		t.Fatalf("YAML with --language de: exit %d, stderr %q", code, errOut)
	}
	bad := filepath.Join(dir, "bad.gift")
	if err := os.WriteFile(bad, []byte("::a:: Fine? {=yes ~no}\n\n::b:: Broken? {=yes ~no\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cli("bank", "import", bad); code != 1 || !strings.Contains(errOut, "line 3") {
		t.Fatalf("bad GIFT: exit %d, stderr %q", code, errOut)
	}

	// A backup is a working database with the same bank.
	backup := filepath.Join(dir, "copy.db")
	if code, _, errOut := cli("backup", backup); code != 0 {
		t.Fatalf("backup: exit %d %s", code, errOut)
	}
	if code, _, _ := cli("backup", backup); code != 1 {
		t.Error("a backup overwrote an existing file")
	}
	restored := startMain(t, backup, nil)
	if got := countItems(t, restored); got < 240 {
		t.Errorf("the backup holds %d items", got)
	}
}
