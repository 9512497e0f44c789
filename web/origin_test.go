package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Unsafe cookie-authenticated requests must come from this origin, even
// with a valid CSRF token; Bearer calls are exempt.
func TestOriginChecked(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser(t)
	b.signIn("admin@example.com", "admin password here", "")
	b.get("/admin/tiers")
	tests := []struct {
		name            string
		origin, referer string
		bearer          bool
		refused         bool
	}{
		{"OKSameOrigin", ts.URL, "", false, false},
		{"OKRefererOnly", "", ts.URL + "/admin/tiers", false, false},
		{"OKNeither", "", "", false, false},
		{"ErrOtherOrigin", "https://evil.example", "", false, true},
		{"ErrNullOrigin", "null", "", false, true},
		{"ErrOtherReferer", "", "https://evil.example/x", false, true},
		{"ErrOriginWinsOverReferer", "https://evil.example", ts.URL + "/", false, true},
		{"OKBearerAnyOrigin", "https://evil.example", "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"csrf_token": {b.csrf}}
			req, _ := http.NewRequest("POST", ts.URL+"/logout-check-origin", strings.NewReader(form.Encode()))
			req.URL.Path = "/admin/keys/rotate"
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			if tt.referer != "" {
				req.Header.Set("Referer", tt.referer)
			}
			hc := b.hc
			if tt.bearer {
				hc = &http.Client{CheckRedirect: b.hc.CheckRedirect}
				req.Header.Set("Authorization", "Bearer "+ts.admin)
			}
			res, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if got := res.StatusCode == http.StatusForbidden; got != tt.refused {
				t.Fatalf("status %d (Location %q), want refused: %v", res.StatusCode, res.Header.Get("Location"), tt.refused)
			}
		})
	}
}
