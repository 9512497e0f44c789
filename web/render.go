package web

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"encoding/json"
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

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages is the template cache: each page parsed once per language, with the
// layout, at start-up (so a broken template fails the start, not a
// request). A set per language binds T, date etc. to that language without
// cloning templates per request.
type pages struct {
	byLang map[string]map[string]*template.Template
}

// localFuncs are the template functions that depend on the language.
func localFuncs(lc *loc) template.FuncMap {
	return template.FuncMap{
		"T":  lc.T,
		"Tn": lc.Tn,
		// trustedT is for catalogue messages holding markup (links,
		// <strong>): the catalogue is ours and embedded, and every argument
		// is escaped here unless it is already template.HTML.
		"trustedT": func(id string, args ...any) template.HTML {
			esc := make([]any, len(args))
			for i, a := range args {
				switch v := a.(type) {
				case template.HTML:
					esc[i] = string(v)
				default:
					if i%2 == 1 {
						esc[i] = template.HTMLEscapeString(fmt.Sprint(v))
					} else {
						esc[i] = a
					}
				}
			}
			return template.HTML(lc.T(id, esc...)) //nolint:gosec // see above
		},
		"lang": func() string { return lc.Lang },
		// when/whenp show a time in the page's language until
		// static/localtime.js converts it to the reader's zone.
		"when": func(t time.Time) template.HTML { return whenIn(lc.Lang, t) },
		"whenp": func(t *time.Time) template.HTML {
			if t == nil {
				return ""
			}
			return whenIn(lc.Lang, *t)
		},
		"num":          lc.Num,
		"date":         func(t time.Time) string { return formatDate(lc.Lang, t) },
		"datetime":     func(t time.Time) string { return formatDateTime(lc.Lang, t) },
		"pct":          func(f float64) string { return formatNumber(lc.Lang, f, 1) },
		"percentage":   func(v any) string { return formatPercent(lc.Lang, toFloat(v)) },
		"typeName":     func(t string) string { return lc.typeName(t) },
		"statusVerb":   func(st any) string { return lc.T("status.verb." + fmt.Sprint(st)) },
		"statusName":   func(st any) string { return lc.T("status." + fmt.Sprint(st)) },
		"domainName":   func(d any) string { return lc.domainName(fmt.Sprint(d)) },
		"publicReason": func(code string) string { return lc.publicReason(code) },
		"tierName":     lc.tierName,
		"jsMessages":   lc.jsMessages,
		"revokedWhy": func(code string) string {
			if code == "" {
				return ""
			}
			return " (" + lc.publicReason(code) + ")"
		},
		"tierDesc":     lc.tierDescription,
		"verifyReason": lc.verifyReason,
		"plural": func(n int, one, many string) string {
			if lc.Lang == "en" {
				if n == 1 {
					return "1 " + one
				}
				return fmt.Sprintf("%d %s", n, many)
			}
			return fmt.Sprintf("%s %s", lc.Num(n), map[bool]string{true: one, false: many}[n == 1])
		},
	}
}

var funcs = template.FuncMap{
	"tierErr": tierFieldError,
	"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	// jsonText is v as JSON text, for a data- attribute a script reads
	// (html/template escapes it for the attribute).
	"jsonText": func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			return "null"
		}
		return string(b)
	},
	"trusted": func(s string) template.HTML { return template.HTML(s) }, //nolint:gosec // only for HTML already sanitized by bank.RenderMarkdown
	"minutes": func(secs int) int { return (secs + 59) / 60 },
	"percent": func(f float64) float64 { return 100 * f },
	"add":     func(a, b int) int { return a + b },
	"title":   func(s string) string { return strings.ToUpper(s[:1]) + strings.ReplaceAll(s[1:], "_", " ") },
	"field":   func(m map[string]string, k string) string { return m[k] },
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
	"hasTier": func(tiers []string, t string) bool {
		for _, x := range tiers {
			if x == t {
				return true
			}
		}
		return false
	},
	"list":          func(s ...string) []string { return s },
	"publicReasons": func() []string { return cert.PublicReasons },
	"hours":         func(secs int) int { return secs / 3600 },
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
	p := &pages{byLang: map[string]map[string]*template.Template{}}
	for _, code := range langCodes {
		layout, err := template.New("layout.html").Funcs(funcs).Funcs(localFuncs(localeFor(code))).Funcs(adminFuncs(localeFor(code))).ParseFS(templateFS, "templates/layout.html")
		if err != nil {
			return nil, fmt.Errorf("parse layout: %w", err)
		}
		byName := map[string]*template.Template{}
		for _, n := range names {
			base := path.Base(n)
			if base == "layout.html" {
				continue
			}
			t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
			if err != nil {
				return nil, fmt.Errorf("parse %s: %w", base, err)
			}
			byName[strings.TrimSuffix(base, ".html")] = t
		}
		p.byLang[code] = byName
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
	Notices []notice   // dashboard only: recent notices (mail kept for the reader)
	Lang    string     // the page's language, for <html lang>
	Langs   []langLink // the header's language switch
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, p page) error {
	lc := localizer(c)
	t, ok := s.pages.byLang[lc.Lang][name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	p.Lang = lc.Lang
	p.Langs = langLinks(c.Request().URL, lc.Lang)
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
	lc := localizer(c)
	w := lc.worded(ae)
	return s.render(c, code, "error", page{Title: lc.statusText(code), Data: map[string]any{"Code": code, "Message": w.Message, "Fields": w.Fields, "Lines": w.Lines}})
}

// tierFieldError is the message for one field of the tier form that was
// refused, under any of the names the form or the domain gives it, so the
// tiers page shows each error beside its field.
func tierFieldError(p page, code string, names ...string) string {
	data, ok := p.Data.(map[string]any)
	if !ok || data["ErrorTier"] != code {
		return ""
	}
	ae, ok := data["Error"].(*apperr.Error)
	if !ok || ae == nil {
		return ""
	}
	for _, n := range names {
		if m := ae.Fields[n]; m != "" {
			return m
		}
	}
	return ""
}
