package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/apperr"
)

var placeholder = regexp.MustCompile(`\{\{\s*\.([A-Za-z0-9_]+)\s*\}\}`)

// errorKey is the catalogue key web words a code's message by.
func errorKey(c apperr.Code) string {
	if c.Field {
		return "err.field." + c.ID
	}
	return "err." + c.ID
}

// TestErrorCodesWorded: every code a domain package declares (web imports
// them all, so the registry is complete here) has its message in English and
// German, each using exactly the arguments the code carries: a placeholder
// without an argument would print "<no value>", an argument without a
// placeholder would drop what the English says.
func TestErrorCodesWorded(t *testing.T) {
	codes := apperr.Codes()
	if len(codes) < 20 {
		t.Fatalf("only %d codes declared: is a domain package not linked?", len(codes))
	}
	for _, lang := range langCodes {
		cat, err := catalogueOf(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range codes {
			if strings.HasPrefix(c.ID, "test_") {
				continue
			}
			text, ok := cat[errorKey(c)].(string)
			if !ok {
				t.Errorf("%s: %q (code %s) is missing", lang, errorKey(c), c.ID)
				continue
			}
			used := map[string]bool{}
			for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
				used[m[1]] = true
			}
			want := map[string]bool{}
			for _, a := range c.Args {
				want[a] = true
				if !used[a] {
					t.Errorf("%s: %q does not use argument %s", lang, errorKey(c), a)
				}
			}
			for u := range used {
				if !want[u] {
					t.Errorf("%s: %q uses {{.%s}}, which code %s does not carry (%v)", lang, errorKey(c), u, c.ID, c.Args)
				}
			}
		}
	}
	// And no err.* key is left over from a code that is gone.
	declared := map[string]bool{}
	for _, c := range codes {
		declared[errorKey(c)] = true
	}
	for _, id := range messageIDs("en") {
		if strings.HasPrefix(id, "err.") && !declared[id] {
			t.Errorf("%q words no declared code", id)
		}
	}
}

// accountCases are errors of the account checks, by what they try.
var accountCases = map[string]func() error{
	"register empty": func() error {
		r := account.Registration{}
		r.Normalize()
		return r.Validate()
	},
	"register short password, long name": func() error {
		r := account.Registration{Email: "a@example.com", Name: strings.Repeat("n", 101), Password: "short"}
		r.Normalize()
		return r.Validate()
	},
	"register bad email, invisible name, common password": func() error {
		r := account.Registration{Email: "not an address", Name: "A\u200bB", Password: "password1"}
		r.Normalize()
		return r.Validate()
	},
	"register mixed script, blank password": func() error {
		r := account.Registration{Email: "p\u0430ypal@example.com", Name: "Ann", Password: strings.Repeat(" ", 9)}
		r.Normalize()
		return r.Validate()
	},
	"register long password": func() error {
		r := account.Registration{Email: "a@example.com", Name: "Ann", Password: strings.Repeat("x", 129)}
		return r.Validate()
	},
	"email invisible":       func() error { return regEmail("a\u200b@example.com") },
	"email bad domain":      func() error { return regEmail("a@-bad-.example.com") },
	"email combining":       func() error { return regEmail("\u0301a@example.com") },
	"email too long":        func() error { return regEmail(strings.Repeat("a", 250) + "@example.com") },
	"name check empty":      func() error { _, m := account.CheckName(" "); return m.On("name") },
	"name check long":       func() error { _, m := account.CheckName(strings.Repeat("n", 101)); return m.On("name") },
	"wrong password":        func() error { return account.ErrWrongPassword },
	"email unchanged":       func() error { return account.ErrEmailUnchanged },
	"language":              func() error { return account.ErrLanguage },
	"password invalid utf8": func() error { return account.CheckPassword("abcdefgh\xff").On("password") },
}

func regEmail(e string) error {
	r := account.Registration{Email: e, Name: "Ann", Password: "a good long password"}
	r.Normalize()
	return r.Validate()
}

// domainErrors makes the domain packages' errors through their own checks
// on a real server: each name is what was tried. Other files add to
// extraErrorCases.
func domainErrors(t *testing.T, ts *testServer) map[string]error {
	out := map[string]error{}
	for n, f := range accountCases {
		out[n] = f()
	}
	for _, f := range extraErrorCases {
		for n, err := range f(t, ts) {
			out[n] = err
		}
	}
	return out
}

// extraErrorCases add cases that need a server (the exam service).
var extraErrorCases []func(*testing.T, *testServer) map[string]error

// unreachedCodes are codes no case here can make, with why: they are only
// checked for their keys and placeholders (TestErrorCodesWorded).
var unreachedCodes = map[string]string{}

// TestErrorsEnglishUnchanged: English keeps the domain's sentences, and the
// English catalogue, filled from the codes' arguments, says the same words,
// so the arguments carry everything a translation needs; German differs.
func TestErrorsEnglishUnchanged(t *testing.T) {
	ts := newTestServer(t)
	cases := domainErrors(t, ts)
	en, de := localeFor("en"), localeFor("de")
	seen := map[string]bool{}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	// sameEnglish fills id with the arguments as the domain printed them
	// (fmt), or as pages print numbers (1,000), and wants one to read as
	// the domain's sentence.
	sameEnglish := func(t *testing.T, what, id string, args map[string]any, want string) {
		t.Helper()
		raw := make([]any, 0, 2*len(args))
		for k, v := range args {
			raw = append(raw, k, v)
		}
		a, b := en.T(id, raw...), en.T(id, en.msgArgs(args)...)
		if a != want && b != want {
			t.Errorf("%s: catalogue %q\n  domain    %q", what, a, want)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			ae, ok := apperr.As(cases[name])
			if !ok {
				t.Fatalf("no apperr.Error: %v", cases[name])
			}
			w := en.worded(ae)
			if w.Message != ae.Message {
				t.Errorf("English message %q, domain says %q", w.Message, ae.Message)
			}
			if len(ae.Fields) == 0 && ae.Detail == "" {
				t.Fatalf("neither fields nor a detail: %v", ae)
			}
			if ae.Detail != "" {
				seen[ae.Detail] = true
				sameEnglish(t, "message", "err."+ae.Detail, ae.Args, ae.Message)
				if got := de.errorMessage(ae); got == ae.Message || strings.Contains(got, "<no value>") {
					t.Errorf("German message: %q", got)
				}
			}
			for k, v := range ae.Fields {
				if w.Fields[k] != v {
					t.Errorf("%s: English %q, domain says %q", k, w.Fields[k], v)
				}
				m, ok := ae.FieldMsgs[k]
				if !ok {
					t.Errorf("%s: no code for %q", k, v)
					continue
				}
				seen[m.Code] = true
				sameEnglish(t, k, "err.field."+m.Code, m.Args, v)
				if got := de.fieldMessage(m, v); got == v || strings.Contains(got, "<no value>") {
					t.Errorf("%s: German message: %q", k, got)
				}
			}
		})
	}
	// Every declared code is made by some case, so each English text was
	// compared with a real sentence.
	for _, c := range apperr.Codes() {
		_, excused := unreachedCodes[c.ID]
		switch {
		case seen[c.ID] && excused:
			t.Errorf("code %s is listed as unreached but a case makes it: drop it from unreachedCodes", c.ID)
		case !seen[c.ID] && !excused && !strings.HasPrefix(c.ID, "test_"):
			t.Errorf("no case makes code %s", c.ID)
		}
	}
}

// TestRegisterShortPasswordGerman: the page and the API word a field error
// in the request's language; English reads as before, and the API's codes
// stay the same in both.
func TestRegisterShortPasswordGerman(t *testing.T) {
	ts := newTestServer(t)
	const en, de = "Use at least 8 characters.", "Verwenden Sie mindestens 8 Zeichen."
	for _, tt := range []struct{ lang, want, not string }{{"de", de, en}, {"en", en, de}} {
		t.Run("Page_"+tt.lang, func(t *testing.T) {
			b := ts.browser(t)
			b.get("/register?lang=" + tt.lang)
			r := b.post("/register", url.Values{"email": {"kurz-" + tt.lang + "@example.com"}, "name": {"Kurz"}, "password": {"kurz"}})
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d\n%s", r.status, r.body)
			}
			body := mainOf(t, r.body)
			if !strings.Contains(body, `<p class="error-text" >`+tt.want+`</p>`) {
				t.Errorf("no %q beside the password field:\n%s", tt.want, body)
			}
			if strings.Contains(body, tt.not) {
				t.Errorf("page shows %q", tt.not)
			}
		})
		t.Run("API_"+tt.lang, func(t *testing.T) {
			data, _ := json.Marshal(map[string]string{"email": "kurz-api-" + tt.lang + "@example.com", "name": "Kurz", "password": "kurz"})
			req, _ := http.NewRequest("POST", ts.URL+"/api/v1/auth/register", strings.NewReader(string(data)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept-Language", tt.lang)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			var out struct {
				Error struct {
					Code       string
					Message    string
					Fields     map[string]string
					FieldCodes map[string]string `json:"field_codes"`
				}
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("%v: %s", err, raw)
			}
			if res.StatusCode != http.StatusUnprocessableEntity || out.Error.Code != "validation_failed" {
				t.Fatalf("%d %s", res.StatusCode, raw)
			}
			if got := out.Error.Fields["password"]; got != tt.want {
				t.Errorf("fields.password = %q, want %q", got, tt.want)
			}
			if got, want := out.Error.FieldCodes["password"], "password_too_short"; got != want {
				t.Errorf("field_codes.password = %q, want %q", got, want)
			}
			if tt.lang == "en" && out.Error.Message != "Some fields need attention." {
				t.Errorf("English message changed: %q", out.Error.Message)
			}
		})
	}
}
