package web

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/exam/cert"
)

// publicReasonWords words a public revocation reason code for anyone
// verifying the certificate.
var publicReasonWords = map[string]string{
	cert.ReasonIssuedInError: "issued in error",
	cert.ReasonMisconduct:    "exam misconduct",
	cert.ReasonHolderRequest: "at the holder's request",
	cert.ReasonRegrade:       "the exam was regraded",
	cert.ReasonOther:         "for another reason",
}

func publicReason(code string) string {
	if w, ok := publicReasonWords[code]; ok {
		return w
	}
	return publicReasonWords[cert.ReasonOther]
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages is the template cache: each page parsed once, with the layout, at
// start-up (so a broken template fails the start, not a request).
type pages struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string { return t.UTC().Format("2 January 2006") },
	"datetime": func(t time.Time) string {
		return t.UTC().Format("2 Jan 2006, 15:04 UTC")
	},
	"rfc3339":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"trusted":  func(s string) template.HTML { return template.HTML(s) }, //nolint:gosec // only for HTML already sanitized by bank.RenderMarkdown
	"pct":      func(f float64) string { return strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0") },
	"minutes":  func(secs int) int { return (secs + 59) / 60 },
	"percent":  func(f float64) float64 { return 100 * f },
	"add":      func(a, b int) int { return a + b },
	"typeName": typeName,
	"title":    func(s string) string { return strings.ToUpper(s[:1]) + strings.ReplaceAll(s[1:], "_", " ") },
	"field":    func(m map[string]string, k string) string { return m[k] },
	"truncate": func(s string, n int) string {
		r := []rune(s)
		if len(r) <= n {
			return s
		}
		return string(r[:n]) + "…"
	},
	"barWidth": func(n, max int) int {
		if max == 0 {
			return 0
		}
		return n * 100 / max
	},
	"statusClass": func(s any) string {
		switch fmt.Sprint(s) {
		case "active", "valid", "passed":
			return "ok"
		case "void", "revoked", "failed":
			return "bad"
		case "review", "expired":
			return "warn"
		}
		return "muted"
	},
	"statusVerb": func(s any) string {
		return map[string]string{"draft": "Back to draft", "review": "Send to review", "active": "Activate",
			"retired": "Retire", "void": "Void"}[fmt.Sprint(s)]
	},
	"hasTier": func(tiers []string, t string) bool {
		for _, x := range tiers {
			if x == t {
				return true
			}
		}
		return false
	},
	"list":          func(s ...string) []string { return s },
	"publicReason":  publicReason,
	"publicReasons": func() []string { return cert.PublicReasons },
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	},
	"hours": func(secs int) int { return secs / 3600 },
	"mul100": func(v any) float64 {
		if p, ok := v.(*float64); ok && p != nil {
			return *p * 100
		}
		return 0
	},
	"derefTime": func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	},
	"deref": func(v any) any {
		switch p := v.(type) {
		case *bool:
			return p != nil && *p
		case *float64:
			if p == nil {
				return 0.0
			}
			return *p
		case *int:
			if p == nil {
				return 0
			}
			return *p
		}
		return v
	},
}

func loadPages() (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", base, err)
		}
		p.byName[strings.TrimSuffix(base, ".html")] = t
	}
	return p, nil
}

// page is what every template gets.
type page struct {
	Title   string
	User    *account.User
	CSRF    string
	Flash   string
	Errors  map[string]string
	Form    map[string]string
	Nav     string
	BaseURL string
	Data    any
	Notices []notice // dashboard only: recent notices (mail kept for the reader)
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, p page) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	p.User = currentUser(c)
	p.BaseURL = s.cfg.BaseURL
	p.CSRF = s.csrfToken(c)
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// csrfToken is the session's token when signed in, else a double-submit
// token in a cookie (set on first use).
func (s *Server) csrfToken(c echo.Context) string {
	if sess := currentSession(c); sess != nil {
		return sess.CSRFToken
	}
	if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 20 {
		return ck.Value
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode})
	c.Request().AddCookie(&http.Cookie{Name: csrfCookie, Value: tok}) // later calls in this request see it
	return tok
}

func (s *Server) renderError(c echo.Context, code int, ae *apperr.Error) error {
	return s.render(c, code, "error", page{Title: http.StatusText(code), Data: map[string]any{"Code": code, "Message": ae.Message, "Fields": ae.Fields, "Lines": ae.Lines}})
}

// fieldErrors pulls per-field messages out of a validation error for a form;
// other errors come back as the form's general message.
func fieldErrors(err error) (map[string]string, string) {
	if ae, ok := apperr.As(err); ok && ae.Kind != apperr.Internal {
		return ae.Fields, ae.Message
	}
	return nil, ""
}

// typeName is how pages name a question type.
func typeName(t string) string {
	switch t {
	case "single":
		return "Single answer"
	case "multiple":
		return "Multiple answers"
	case "true_false":
		return "True or false"
	case "numeric":
		return "Numeric"
	case "ordering":
		return "Ordering"
	case "matching":
		return "Matching"
	}
	return t
}
