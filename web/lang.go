package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"
)

// langCookie keeps a language chosen with ?lang= for the visits after.
const langCookie = "mopscert_lang"

const ctxLocale = "locale"

var langMatcher = language.NewMatcher(languages)

// negotiate picks the page language by the contract's order: ?lang=, the
// cookie, the signed-in user's setting, Accept-Language; English otherwise.
// Unknown values at any step are skipped, not errors.
func negotiate(query, cookie, user, acceptLanguage string) string {
	for _, c := range []string{query, cookie, user} {
		if validLang(c) {
			return c
		}
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			_, i, conf := langMatcher.Match(tags...)
			if conf != language.No {
				return langCodes[i]
			}
		}
	}
	return langCodes[0]
}

// language is the middleware that negotiates the language of a request and
// puts its translator in the context. It runs after auth, so the user's
// setting is known.
func (s *Server) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		q := req.URL.Query().Get("lang")
		var ck string
		if k, err := c.Cookie(langCookie); err == nil {
			ck = k.Value
		}
		var userLang string
		if u := currentUser(c); u != nil {
			userLang = u.Language
		}
		lang := negotiate(q, ck, userLang, req.Header.Get("Accept-Language"))
		if validLang(q) && q != ck {
			c.SetCookie(&http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
		}
		c.Response().Header().Add("Vary", "Accept-Language")
		c.Response().Header().Set("Content-Language", lang)
		c.Set(ctxLocale, localeFor(lang))
		return next(c)
	}
}

// localizer is the request's translator (English outside the middleware,
// e.g. for errors raised before it ran).
func localizer(c echo.Context) *loc {
	if l, ok := c.Get(ctxLocale).(*loc); ok {
		return l
	}
	return locales["en"]
}

// langLink is one entry of the header's language switch.
type langLink struct {
	Code, Name, URL string
	Current         bool
}

// langLinks are the switch's links: the same page with ?lang= set, other
// query parameters kept.
func langLinks(u *url.URL, current string) []langLink {
	names := map[string]string{"en": "English", "de": "Deutsch"}
	out := make([]langLink, 0, len(langCodes))
	keep := len(u.RawQuery) <= maxEcho // never reflect a huge query back
	for _, c := range langCodes {
		q := url.Values{}
		if keep {
			q = u.Query()
		}
		q.Set("lang", c)
		out = append(out, langLink{Code: c, Name: names[c], URL: u.Path + "?" + q.Encode(), Current: c == current})
	}
	return out
}
