package web

import (
	"net/http"
	"strings"
	"testing"
)

// Body limits are binary MiB as documented, to the byte.
func TestBodyLimitsAreMiB(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name, path string
		size       int
		tooLarge   bool
	}{
		{"OKJustUnder1MiB", "/api/v1/auth/login", 1<<20 - 100, false}, // above the old 1,024,000
		{"ErrOver1MiB", "/api/v1/auth/login", 1<<20 + 1, true},
		{"OKPDFJustUnder4MiB", "/api/v1/verify", 4<<20 - 100, false},
		{"ErrPDFOver4MiB", "/api/v1/verify", 4<<20 + 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A JSON string padded to size: well-formed, so only its size matters.
			body := `{"email":"` + strings.Repeat("a", tt.size-len(`{"email":""}`)) + `"}`
			req, _ := http.NewRequest("POST", ts.URL+tt.path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if got := res.StatusCode == http.StatusRequestEntityTooLarge; got != tt.tooLarge {
				t.Fatalf("%d-byte body to %s: status %d, want 413: %v", len(body), tt.path, res.StatusCode, tt.tooLarge)
			}
		})
	}
}
