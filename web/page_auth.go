package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/account"
)

// safeNext keeps post-login redirects on this site: only a local path.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return "/dashboard"
}

func (s *Server) pageLogin(c echo.Context) error {
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/dashboard")
	}
	return s.render(c, http.StatusOK, "login", page{Title: "Sign in", Nav: "login", Form: map[string]string{"next": c.QueryParam("next")}})
}

func (s *Server) pageLoginPost(c echo.Context) error {
	if err := s.anonCSRF(c); err != nil {
		return err
	}
	email, next := c.FormValue("email"), c.FormValue("next")
	_, _, _, err := s.login(c, email, c.FormValue("password"))
	if err != nil {
		_, msg := fieldErrors(err)
		if msg == "" {
			return err
		}
		code := http.StatusUnauthorized
		if errors.Is(err, errRateLimited) {
			code = http.StatusTooManyRequests
		}
		return s.render(c, code, "login", page{Title: "Sign in", Nav: "login",
			Form: map[string]string{"email": email, "next": next}, Errors: map[string]string{"_": msg}})
	}
	return c.Redirect(http.StatusSeeOther, safeNext(next))
}

func (s *Server) pageRegister(c echo.Context) error {
	return s.render(c, http.StatusOK, "register", page{Title: "Create an account", Nav: "register"})
}

func (s *Server) pageRegisterPost(c echo.Context) error {
	if err := s.anonCSRF(c); err != nil {
		return err
	}
	if err := s.limits.check(s.limits.register, c.RealIP()); err != nil {
		return err
	}
	r := account.Registration{Email: c.FormValue("email"), Name: c.FormValue("name"), Password: c.FormValue("password")}
	ctx := c.Request().Context()
	if _, err := s.accounts.Register(ctx, r, account.Candidate); err != nil {
		fields, msg := fieldErrors(err)
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
		return s.render(c, http.StatusUnprocessableEntity, "register", page{Title: "Create an account", Nav: "register",
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
