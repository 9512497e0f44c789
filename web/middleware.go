package web

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/apperr"
)

const (
	sessionCookie = "mopscert_session"
	csrfCookie    = "mopscert_csrf" // double-submit token for forms shown before sign-in
	csrfField     = "csrf_token"
	csrfHeader    = "X-CSRF-Token"
)

// Body limits, in MiB (1 << 20): small JSON by default; bank imports and
// PDF uploads get more.
const (
	defaultBodyLimit = 1 << 20
	importBodyLimit  = 32 << 20
	pdfBodyLimit     = 4 << 20
)

var (
	errCSRF      = apperr.New(apperr.Forbidden, "csrf_failed", "This form has expired or did not come from this site. Reload the page and try again.")
	errForbidden = apperr.New(apperr.Forbidden, "forbidden", "You are not allowed to do that.")
)

// logRequests writes one structured line per request: the route pattern,
// never the raw URL (it may carry a token), status, latency and request id.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		s.log.LogAttrs(req.Context(), logLevel(res.Status), "request",
			slog.String("method", req.Method), slog.String("route", c.Path()), slog.Int("status", res.Status),
			slog.Duration("latency", time.Since(start)), slog.String("request_id", res.Header().Get(echo.HeaderXRequestID)),
			slog.String("ip", c.RealIP()))
		return nil
	}
}

// securityHeaders: no inline script anywhere, so the CSP can forbid it.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Verification links carry the token in the path: never send it to
		// another site. same-origin (not no-referrer) so that our own form
		// posts carry a real Origin for checkOrigin; under no-referrer
		// browsers send "Origin: null".
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

// bodyLimit caps every request body before anything reads it (the CSRF
// check parses forms): small by default, more for bank imports and PDFs.
func bodyLimit() echo.MiddlewareFunc {
	limiter := func(n int64) echo.MiddlewareFunc {
		// Exact bytes: echo reads "K" and "M" as decimal (1,000), so
		// "1024K" was 1,024,000 bytes, not the documented MiB.
		return middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: strconv.FormatInt(n, 10) + "B"})
	}
	small, imports, pdfs := limiter(defaultBodyLimit), limiter(importBodyLimit), limiter(pdfBodyLimit)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		s, i, p := small(next), imports(next), pdfs(next)
		return func(c echo.Context) error {
			switch c.Request().URL.Path {
			case "/api/v1/admin/bank/import", "/admin/import":
				return i(c)
			case "/api/v1/verify", "/verify":
				return p(c)
			}
			return s(c)
		}
	}
}

// auth identifies the caller from a Bearer token or the session cookie. It
// never rejects: routes that need a user say so with requireUser.
func (s *Server) auth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, viaCookie := "", false
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
			if t, ok := strings.CutPrefix(h, "Bearer "); ok {
				token = strings.TrimSpace(t)
			} else {
				return apperr.New(apperr.Unauthorized, "unauthenticated", "Use Authorization: Bearer <token>.")
			}
		} else if ck, err := c.Cookie(sessionCookie); err == nil {
			token, viaCookie = ck.Value, true
		}
		if token == "" {
			return next(c)
		}
		u, sess, err := s.accounts.SessionUser(c.Request().Context(), token)
		if err != nil {
			if errors.Is(err, account.ErrUnauthenticated) {
				if viaCookie {
					s.clearSessionCookie(c)
					return next(c)
				}
				return err // a bad bearer token is an error, not anonymity
			}
			return err
		}
		c.Set(ctxUser, u)
		c.Set(ctxSession, sess)
		c.Set(ctxToken, token)
		c.Set(ctxViaCookie, viaCookie)
		return next(c)
	}
}

// Context keys: the caller's identity, set by auth.
const (
	ctxUser      = "user"
	ctxSession   = "session"
	ctxToken     = "token"
	ctxViaCookie = "via_cookie"
)

func currentUser(c echo.Context) *account.User {
	u, _ := c.Get(ctxUser).(*account.User)
	return u
}

func currentSession(c echo.Context) *account.Session {
	s, _ := c.Get(ctxSession).(*account.Session)
	return s
}

func isUnsafe(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// csrf guards unsafe requests that a browser would send on its own: those
// authenticated by the session cookie must carry the session's CSRF token
// (form field or header). Bearer clients are not exposed to CSRF. Forms
// shown before sign-in use a double-submit cookie instead (see anonCSRF).
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isUnsafe(c.Request().Method) {
			return next(c)
		}
		if via, _ := c.Get(ctxViaCookie).(bool); via {
			if err := s.checkOrigin(c); err != nil {
				return err
			}
			sess := currentSession(c)
			got := c.Request().Header.Get(csrfHeader)
			if got == "" && isForm(c) {
				got = c.FormValue(csrfField)
			}
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
				return errCSRF
			}
		}
		return next(c)
	}
}

var errOrigin = apperr.New(apperr.Forbidden, "origin_mismatch", "This request did not come from this site's pages.")

// checkOrigin is defence in depth behind the CSRF token: a browser's unsafe
// request must come from this origin (the base URL's, or the host the
// request was sent to). Origin decides when present; without it a Referer
// must match; with neither (old browsers, scripts holding a cookie) the
// CSRF token alone decides. Bearer-token calls never get here.
func (s *Server) checkOrigin(c echo.Context) error {
	req := c.Request()
	from := req.Header.Get("Origin")
	if from == "" {
		ref := req.Header.Get("Referer")
		if ref == "" {
			return nil
		}
		u, err := url.Parse(ref)
		if err != nil || u.Host == "" {
			return errOrigin
		}
		from = u.Scheme + "://" + u.Host
	}
	if s.allowedOrigin(from, req) {
		return nil
	}
	return errOrigin
}

func (s *Server) allowedOrigin(origin string, req *http.Request) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" && u.Path != "/" {
		return false // includes "null"
	}
	if base, err := url.Parse(s.cfg.BaseURL); err == nil && strings.EqualFold(u.Scheme, base.Scheme) && strings.EqualFold(u.Host, base.Host) {
		return true
	}
	scheme := "http"
	if req.TLS != nil || s.secure {
		scheme = "https"
	}
	return strings.EqualFold(u.Scheme, scheme) && strings.EqualFold(u.Host, req.Host)
}

func isForm(c echo.Context) bool {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	return strings.HasPrefix(ct, echo.MIMEApplicationForm) || strings.HasPrefix(ct, echo.MIMEMultipartForm)
}

// anonCSRF checks the double-submit token of a form posted without a
// session (sign-in, registration, the public verify form).
func (s *Server) anonCSRF(c echo.Context) error {
	if via, _ := c.Get(ctxViaCookie).(bool); via {
		return nil // already checked against the session by csrf
	}
	if err := s.checkOrigin(c); err != nil {
		return err
	}
	ck, err := c.Cookie(csrfCookie)
	got := c.FormValue(csrfField)
	if err != nil || got == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(got)) != 1 {
		return errCSRF
	}
	return nil
}

// requireUser rejects anonymous callers.
func requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			return account.ErrUnauthenticated
		}
		return next(c)
	}
}

// requireAdmin rejects callers who are not administrators.
func requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := currentUser(c)
		if u == nil {
			return account.ErrUnauthenticated
		}
		if !u.IsAdmin() {
			return errForbidden
		}
		return next(c)
	}
}

// requirePageUser sends anonymous visitors of a page to the sign-in form.
func requirePageUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		return next(c)
	}
}

// requirePageAdmin is requirePageUser plus the admin role.
func requirePageAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return requirePageUser(func(c echo.Context) error {
		if !currentUser(c).IsAdmin() {
			return errForbidden
		}
		return next(c)
	})
}
