package web

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// browserClient is a cookie-keeping client that fills in forms the way a
// browser does: the CSRF token from the last page, the Origin header.
type browserClient struct {
	t    testing.TB
	ts   *testServer
	hc   *http.Client
	csrf string
}

func (ts *testServer) browser(t testing.TB) *browserClient {
	jar, _ := cookiejar.New(nil)
	return &browserClient{t: t, ts: ts, hc: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browserClient) do(req *http.Request) resp {
	b.t.Helper()
	res, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if m := csrfInput.FindSubmatch(data); m != nil {
		b.csrf = string(m[1])
	}
	return resp{res.StatusCode, res.Header, data}
}

func (b *browserClient) get(path string) resp {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.ts.URL+path, nil)
	return b.do(req)
}

// post submits a form with the CSRF token of the last page read.
func (b *browserClient) post(path string, form url.Values) resp {
	b.t.Helper()
	if form.Get("csrf_token") == "" {
		form.Set("csrf_token", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.ts.URL)
	return b.do(req)
}

// signIn signs in through the form and returns where it was sent.
func (b *browserClient) signIn(email, password, next string) string {
	b.t.Helper()
	b.get("/login")
	r := b.post("/login", url.Values{"email": {email}, "password": {password}, "next": {next}})
	if r.status != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: %d\n%s", email, r.status, r.body)
	}
	return r.header.Get("Location")
}
