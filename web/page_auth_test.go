package web

import "testing"

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/dashboard", "/dashboard"},
		{"/exam/a1/result?x=1#top", "/exam/a1/result?x=1#top"},
		{"/admin/items?q=a%2Fb", "/admin/items?q=a%2Fb"},
		{"", ""},
		{"dashboard", ""},
		{"//evil.example", ""},
		{"/\t/evil.example", ""},
		{"/\n/evil.example", ""},
		{"/\r/evil.example", ""},
		{"/\x00/evil.example", ""},
		{"/\\evil.example", ""},
		{"/\\/evil.example", ""},
		{"\\\\evil.example", ""},
		{"https://evil.example", ""},
		{"javascript:alert(1)", ""},
		{"/ /evil.example", ""},
		{" //evil.example", ""},
		{"/\u200b/evil.example", ""},
		{"/\u2028/evil.example", ""},
		{"/\u00a0/evil.example", ""},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Through the real form: a nasty next lands on the user's home, a good one
// is followed, and an admin's home is the admin pages.
func TestSignInRedirects(t *testing.T) {
	ts := newTestServer(t)
	ts.candidate(t, "cand@example.com")
	tests := []struct{ name, email, password, next, want string }{
		{"ErrTabSlash", "cand@example.com", "correct horse battery", "/\t/evil.example", "/dashboard"},
		{"ErrBackslash", "cand@example.com", "correct horse battery", "/\\evil.example", "/dashboard"},
		{"OKNext", "cand@example.com", "correct horse battery", "/exam/x/result", "/exam/x/result"},
		{"OKAdminHome", "admin@example.com", "admin password here", "", "/admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ts.browser(t).signIn(tt.email, tt.password, tt.next); got != tt.want {
				t.Fatalf("Location = %q, want %q", got, tt.want)
			}
		})
	}
}
