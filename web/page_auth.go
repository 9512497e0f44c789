package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/account"
)

// safeNext keeps post-login redirects on this site: it returns next only
// when it is a path on this origin, else "". Browsers drop tabs and
// newlines from URLs and read a backslash as a slash, so "/\t/evil" and
// "/\\evil" become "//evil", another host: anything with a control
// character or backslash is refused outright, then what is left must parse
// as a path with no scheme, host or user and not start with "//".
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || len(next) > 2000 {
		return ""
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	return next
}

// landing is where a user goes after signing in without a next page.
func landing(u *account.User) string {
	if u.IsAdmin() {
		return "/admin"
	}
	return "/dashboard"
}

func (s *Server) pageLogin(c echo.Context) error {
	if u := currentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, landing(u))
	}
	return s.render(c, http.StatusOK, "login", page{Title: localizer(c).T("login.title"), Nav: "login", Form: map[string]string{"next": c.QueryParam("next")}})
}

func (s *Server) pageLoginPost(c echo.Context) error {
	if err := s.anonCSRF(c); err != nil {
		return err
	}
	email, next := c.FormValue("email"), c.FormValue("next")
	_, _, u, err := s.login(c, email, c.FormValue("password"))
	if err != nil {
		_, msg := localizer(c).fieldErrors(err)
		if msg == "" {
			return err
		}
		code := http.StatusUnauthorized
		if errors.Is(err, errRateLimited) {
			code = http.StatusTooManyRequests
		}
		return s.render(c, code, "login", page{Title: localizer(c).T("login.title"), Nav: "login",
			Form: map[string]string{"email": email, "next": next}, Errors: map[string]string{"_": msg}})
	}
	if to := safeNext(next); to != "" {
		return c.Redirect(http.StatusSeeOther, to)
	}
	return c.Redirect(http.StatusSeeOther, landing(u))
}

func (s *Server) pageRegister(c echo.Context) error {
	return s.render(c, http.StatusOK, "register", page{Title: localizer(c).T("register.title"), Nav: "register"})
}

func (s *Server) pageRegisterPost(c echo.Context) error {
	if err := s.anonCSRF(c); err != nil {
		return err
	}
	if err := s.limits.check(c.Request().Context(), s.limits.register, c.RealIP()); err != nil {
		return err
	}
	// A new account keeps the language its owner registered in.
	r := account.Registration{Email: c.FormValue("email"), Name: c.FormValue("name"), Password: c.FormValue("password"), Language: localizer(c).Lang}
	ctx := c.Request().Context()
	if _, err := s.accounts.Register(ctx, r, account.Candidate); err != nil {
		fields, msg := localizer(c).fieldErrors(err)
		if msg == "" {
			return err
		}
		errs := map[string]string{}
		for k, v := range fields {
			errs[k] = v
		}
		if len(fields) == 0 {
			errs["_"] = msg
			if errors.Is(err, account.ErrEmailTaken) {
				errs["email"] = msg
			}
		}
		return s.render(c, http.StatusUnprocessableEntity, "register", page{Title: localizer(c).T("register.title"), Nav: "register",
			Form: map[string]string{"email": r.Email, "name": r.Name}, Errors: errs})
	}
	if _, _, _, err := s.login(c, r.Email, r.Password); err != nil {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	return c.Redirect(http.StatusSeeOther, "/dashboard")
}

func (s *Server) pageLogout(c echo.Context) error {
	if tok, _ := c.Get(ctxToken).(string); tok != "" {
		if err := s.accounts.DeleteSession(c.Request().Context(), tok); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return c.Redirect(http.StatusSeeOther, "/")
}
