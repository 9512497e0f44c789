package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/exam"
)

// Pages of the self-service flows: forgotten password, reset, e-mail
// verification and the account settings. Each works without JavaScript.

func (s *Server) accountPageRoutes() {
	e := s.echo
	e.GET("/forgot-password", s.pageForgot)
	e.POST("/forgot-password", s.pageForgotPost)
	e.GET("/reset-password", s.pageReset)
	e.POST("/reset-password", s.pageResetPost)
	// GET only shows a button: mail scanners open links, and must not spend
	// the token.
	e.GET("/verify-email", s.pageVerifyEmail)
	e.POST("/verify-email", s.pageVerifyEmailPost)
	e.GET("/account", s.pageAccount, requirePageUser)
	e.POST("/account/password", s.pageAccountPassword, requirePageUser)
	e.POST("/account/email", s.pageAccountEmail, requirePageUser)
	e.POST("/account/verify-email", s.pageAccountResend, requirePageUser)
	e.POST("/account/name", s.pageAccountName, requirePageUser)
}

// message renders a short page that says what happened and where to go.
func (s *Server) message(c echo.Context, status int, title, text, linkText, link string) error {
	return s.render(c, status, "message", page{Title: title, Data: map[string]string{"Text": text, "LinkText": linkText, "Link": link}})
}

func (s *Server) pageForgot(c echo.Context) error {
	return s.render(c, http.StatusOK, "forgot", page{Title: "Forgotten password", Nav: "login"})
}

func (s *Server) pageForgotPost(c echo.Context) error {
	if err := s.anonCSRF(c); err != nil {
		return err
	}
	if err := s.limits.check(c.Request().Context(), s.limits.register, c.RealIP()); err != nil {
		return err
	}
	email := c.FormValue("email")
	if email == "" {
		return s.render(c, http.StatusUnprocessableEntity, "forgot", page{Title: "Forgotten password", Nav: "login",
			Errors: map[string]string{"email": "Enter the e-mail address you signed up with."}})
	}
	s.requestReset(email)
	return s.message(c, http.StatusOK, "Check your mailbox",
		"If an account has the address "+email+", we have sent it a link to choose a new password. The link works once, for 30 minutes. Nothing arrived? Look in the spam folder, or ask again in a few minutes.",
		"Back to sign in", "/login")
}

func (s *Server) pageReset(c echo.Context) error {
	return s.render(c, http.StatusOK, "reset", page{Title: "Choose a new password", Form: map[string]string{"token": c.QueryParam("token")}})
}

func (s *Server) pageResetPost(c echo.Context) error {
	if err := s.anonCSRF(c); err != nil {
		return err
	}
	tok := c.FormValue("token")
	err := s.accounts.ResetPassword(c.Request().Context(), tok, c.FormValue("password"))
	if errors.Is(err, account.ErrInvalidToken) {
		return s.message(c, http.StatusBadRequest, "This link has expired", err.(*apperr.Error).Message, "Ask for a new link", "/forgot-password")
	}
	if err != nil {
		fields, msg := fieldErrors(err)
		if msg == "" {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "reset", page{Title: "Choose a new password", Form: map[string]string{"token": tok}, Errors: fields})
	}
	s.clearSessionCookie(c)
	return s.message(c, http.StatusOK, "Your password is changed", "You can sign in with the new password now. Every device that was signed in has been signed out.", "Sign in", "/login")
}

func (s *Server) pageVerifyEmail(c echo.Context) error {
	return s.render(c, http.StatusOK, "verify_email", page{Title: "Confirm your e-mail address", Form: map[string]string{"token": c.QueryParam("token")}})
}

func (s *Server) pageVerifyEmailPost(c echo.Context) error {
	if err := s.anonCSRF(c); err != nil {
		return err
	}
	err := s.accounts.VerifyEmail(c.Request().Context(), c.FormValue("token"))
	if errors.Is(err, account.ErrInvalidToken) {
		next, text := "/login", "Sign in to ask for a new link."
		if currentUser(c) != nil {
			next, text = "/account", "Ask for a new link on your account page."
		}
		return s.message(c, http.StatusBadRequest, "This link has expired", err.(*apperr.Error).Message+" "+text, "Continue", next)
	}
	if err != nil {
		return err
	}
	return s.message(c, http.StatusOK, "Your e-mail address is confirmed", "Thank you. You can take exams now.", "Go to my certification", "/dashboard")
}

// accountView is what the settings page shows.
type accountView struct {
	Verified    bool
	MailOn      bool
	Language    string
	NameChanges []*exam.NameChange
}

func (s *Server) accountPage(c echo.Context, status int, p page) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	ok, err := s.accounts.EmailVerified(ctx, u.ID)
	if err != nil {
		return err
	}
	lang, err := s.accounts.Language(ctx, u.ID)
	if err != nil {
		return err
	}
	ncs, err := s.exams.NameChanges(ctx, u.ID, "")
	if err != nil {
		return err
	}
	p.Title, p.Nav = "Your account", "account"
	p.Data = accountView{Verified: ok, MailOn: s.mailOn, Language: lang, NameChanges: ncs}
	return s.render(c, status, "account", p)
}

func (s *Server) pageAccount(c echo.Context) error {
	p := page{}
	switch c.QueryParam("done") {
	case "password":
		p.Flash = "Your password is changed. Your other devices were signed out."
	case "email":
		p.Flash = "We have sent a link to the new address. The change happens when you open it; until then mail goes to the current address."
	case "verify":
		p.Flash = "We have sent you a new confirmation link."
	case "name":
		p.Flash = "Your request is sent. An administrator will decide; we will tell you by e-mail."
	}
	return s.accountPage(c, http.StatusOK, p)
}

// formFailed re-renders the settings page with a form's errors next to its
// fields, keeping what was typed (except passwords).
func (s *Server) formFailed(c echo.Context, err error, form map[string]string, general string) error {
	fields, msg := fieldErrors(err)
	if msg == "" {
		return err
	}
	errs := map[string]string{}
	for k, v := range fields {
		errs[k] = v
	}
	if len(fields) == 0 {
		errs[general] = msg
	}
	return s.accountPage(c, http.StatusUnprocessableEntity, page{Errors: errs, Form: form})
}

func (s *Server) pageAccountPassword(c echo.Context) error {
	tok, _ := c.Get(ctxToken).(string)
	err := s.accounts.ChangePassword(c.Request().Context(), userID(c), tok, c.FormValue("current_password"), c.FormValue("new_password"))
	if err != nil {
		return s.formFailed(c, err, nil, "new_password")
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=password")
}

func (s *Server) pageAccountEmail(c echo.Context) error {
	email := c.FormValue("email")
	err := s.accounts.RequestEmailChange(c.Request().Context(), userID(c), c.FormValue("email_password"), email)
	if err != nil {
		if ae, ok := apperr.As(err); ok && ae.Fields["current_password"] != "" {
			err = apperr.Fielded(map[string]string{"email_password": ae.Fields["current_password"]})
		}
		return s.formFailed(c, err, map[string]string{"email": email}, "email")
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=email")
}

func (s *Server) pageAccountResend(c echo.Context) error {
	if err := s.accounts.SendVerification(c.Request().Context(), userID(c)); err != nil {
		return s.formFailed(c, err, nil, "verify")
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=verify")
}

func (s *Server) pageAccountName(c echo.Context) error {
	name, reason := c.FormValue("name"), c.FormValue("reason")
	if _, err := s.requestNameChange(c, name, reason); err != nil {
		return s.formFailed(c, err, map[string]string{"new_name": name, "name_reason": reason}, "name")
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=name")
}
