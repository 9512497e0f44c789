package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestCredentialAPI(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "holder@example.com")
	other := ts.candidate(t, "other@example.com")
	c := ts.pass(t, tok)

	if r := ts.call(t, "GET", "/api/v1/certificates/"+c.ID+"/credential", other, nil); r.status != 404 {
		t.Errorf("someone else's credential: %d, want 404", r.status)
	}
	ld := ts.call(t, "GET", "/api/v1/certificates/"+c.ID+"/credential", tok, nil)
	jwt := ts.call(t, "GET", "/api/v1/certificates/"+c.ID+"/credential?format=jwt", tok, nil)
	if ld.status != 200 || jwt.status != 200 {
		t.Fatalf("credential: %d, %d", ld.status, jwt.status)
	}
	verify := func(t *testing.T, credential any) map[string]any {
		t.Helper()
		r := ts.call(t, "POST", "/api/v1/verify", "", map[string]any{"credential": credential})
		if r.status != 200 {
			t.Fatalf("verify: %d %s", r.status, r.body)
		}
		var v map[string]any
		r.decode(t, &v)
		return v
	}
	var doc map[string]any
	ld.decode(t, &doc)
	tests := []struct {
		name       string
		credential any
		want       string
	}{
		{"OKJSONLD", json.RawMessage(ld.body), "valid"},
		{"OKJWT", string(jwt.body), "valid"},
		{"ErrAltered", json.RawMessage(strings.Replace(string(ld.body), c.HolderName, c.HolderName+"x", 1)), "invalid"},
		{"ErrJWTAltered", strings.Replace(string(jwt.body), ".", ".e", 1), "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := verify(t, tt.credential)
			if v["status"] != tt.want {
				t.Fatalf("status = %v (%v), want %s", v["status"], v["reason"], tt.want)
			}
			if (v["certificate"] != nil) != (tt.want == "valid") {
				t.Errorf("certificate = %v", v["certificate"])
			}
		})
	}

	t.Run("PublicDocuments", func(t *testing.T) {
		iss := ts.call(t, "GET", "/issuer", "", nil)
		var issuer struct {
			Context         []string `json:"@context"`
			AssertionMethod []string `json:"assertionMethod"`
			Methods         []struct {
				ID, Type, PublicKeyMultibase string
			} `json:"verificationMethod"`
		}
		iss.decode(t, &issuer)
		vm := doc["proof"].(map[string]any)["verificationMethod"].(string)
		if issuer.Context[0] != "https://www.w3.org/ns/did/v1" || len(issuer.AssertionMethod) == 0 || issuer.AssertionMethod[0] != vm {
			t.Errorf("issuer = %s, want %s under assertionMethod", iss.body, vm)
		}
		if len(issuer.Methods) == 0 || !strings.HasPrefix(issuer.Methods[0].PublicKeyMultibase, "z6Mk") || issuer.Methods[0].Type != "Multikey" {
			t.Errorf("verification methods = %+v", issuer.Methods)
		}
		if r := ts.call(t, "GET", "/achievements/foundation", "", nil); r.status != 200 || !strings.Contains(string(r.body), `"criteria"`) {
			t.Errorf("achievement: %d %s", r.status, r.body)
		}
		st := doc["credentialStatus"].([]any)[1].(map[string]any)["statusListCredential"].(string)
		u, _ := url.Parse(st)
		if r := ts.call(t, "GET", u.Path, "", nil); r.status != 200 || r.header.Get("Content-Type") != "application/vc+ld+json" {
			t.Errorf("status list: %d %s", r.status, r.header.Get("Content-Type"))
		}
		if r := ts.call(t, "GET", "/status/revocation-99", "", nil); r.status != 404 {
			t.Errorf("unknown status list: %d, want 404", r.status)
		}
	})

	t.Run("LinkedIn", func(t *testing.T) {
		var got map[string]any
		ts.call(t, "GET", "/api/v1/certificates/"+c.ID, tok, nil).decode(t, &got)
		link, _ := got["linkedin_url"].(string)
		u, err := url.Parse(link)
		if err != nil || u.Query().Get("certId") != c.ID || u.Query().Get("organizationName") != "mopscert" {
			t.Errorf("linkedin_url = %q", link)
		}
		if r, ok := got["renewal"].(map[string]any); !ok || r["opens_at"] == nil || r["grace_until"] == nil {
			t.Errorf("renewal = %v, want {opens_at, grace_until}", got["renewal"])
		}
		ts.call(t, "POST", "/api/v1/admin/certificates/"+c.ID+"/revoke", ts.admin, map[string]string{"reason": "misconduct"})
		got = nil
		ts.call(t, "GET", "/api/v1/certificates/"+c.ID, tok, nil).decode(t, &got)
		if _, ok := got["linkedin_url"]; ok {
			t.Errorf("revoked certificate still has linkedin_url %v", got["linkedin_url"])
		}
		if v := verify(t, json.RawMessage(ld.body)); v["status"] != "revoked" {
			t.Errorf("revoked credential verifies as %v", v["status"])
		}
	})
}

// postVerifyPage submits the people's verify form with an uploaded
// credential file or a pasted value, as a browser would.
func (ts *testServer) postVerifyPage(t *testing.T, field, filename, value string) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField(csrfField, "test-csrf-value")
	if filename != "" {
		fw, _ := mw.CreateFormFile(field, filename)
		fw.Write([]byte(value))
	} else {
		_ = mw.WriteField(field, value)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/verify", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: csrfCookie, Value: "test-csrf-value"})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("verify page: %d %s", res.StatusCode, b)
	}
	return string(b)
}

func TestVerifyPageTakesOpenBadge(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "page@example.com")
	c := ts.pass(t, tok)
	ld := ts.call(t, "GET", "/api/v1/certificates/"+c.ID+"/credential", tok, nil)
	jwt := ts.call(t, "GET", "/api/v1/certificates/"+c.ID+"/credential?format=jwt", tok, nil)
	tests := []struct {
		name, field, file, value, want string
	}{
		{"OKUploadedJSON", "credential", c.ID + ".json", string(ld.body), "Valid"},
		{"OKPastedJWT", "q", "", string(jwt.body), "Valid"},
		{"ErrAlteredJSON", "credential", "x.json", strings.Replace(string(ld.body), c.HolderName, "Someone Else", 1), "Not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := ts.postVerifyPage(t, tt.field, tt.file, tt.value)
			if !strings.Contains(page, "<h2 id=\"verdict-h\">"+tt.want+"</h2>") {
				t.Fatalf("page does not say %q:\n%s", tt.want, page)
			}
			if tt.want != "Valid" && strings.Contains(page, "Someone Else") {
				t.Error("the page shows the altered credential's holder")
			}
		})
	}
}
