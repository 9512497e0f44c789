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
	return s.render(c, http.StatusOK, "forgot", page{Title: localizer(c).T("forgot.title"), Nav: "login"})
}

func (s *Server) pageForgotPost(c echo.Context) error {
	if err := s.anonCSRF(c); err != nil {
		return err
	}
	if err := s.limits.check(c.Request().Context(), s.limits.register, c.RealIP()); err != nil {
		return err
	}
	lc := localizer(c)
	email := c.FormValue("email")
	if email == "" {
		return s.render(c, http.StatusUnprocessableEntity, "forgot", page{Title: lc.T("forgot.title"), Nav: "login",
			Errors: map[string]string{"email": lc.T("forgot.email_required")}})
	}
	s.requestReset(email)
	return s.message(c, http.StatusOK, lc.T("forgot.sent_title"), lc.T("forgot.sent_text", "Email", email),
		lc.T("forgot.back"), "/login")
}

func (s *Server) pageReset(c echo.Context) error {
	return s.render(c, http.StatusOK, "reset", page{Title: localizer(c).T("reset.title"), Form: map[string]string{"token": c.QueryParam("token")}})
}

func (s *Server) pageResetPost(c echo.Context) error {
	if err := s.anonCSRF(c); err != nil {
		return err
	}
	lc := localizer(c)
	tok := c.FormValue("token")
	err := s.accounts.ResetPassword(c.Request().Context(), tok, c.FormValue("password"))
	if errors.Is(err, account.ErrInvalidToken) {
		return s.message(c, http.StatusBadRequest, lc.T("link.expired_title"), lc.errorMessage(err.(*apperr.Error)), lc.T("reset.ask_new"), "/forgot-password")
	}
	if err != nil {
		fields, msg := localizer(c).fieldErrors(err)
		if msg == "" {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "reset", page{Title: lc.T("reset.title"), Form: map[string]string{"token": tok}, Errors: fields})
	}
	s.clearSessionCookie(c)
	return s.message(c, http.StatusOK, lc.T("reset.done_title"), lc.T("reset.done_text"), lc.T("login.submit"), "/login")
}

func (s *Server) pageVerifyEmail(c echo.Context) error {
	return s.render(c, http.StatusOK, "verify_email", page{Title: localizer(c).T("verify_email.title"), Form: map[string]string{"token": c.QueryParam("token")}})
}

func (s *Server) pageVerifyEmailPost(c echo.Context) error {
	if err := s.anonCSRF(c); err != nil {
		return err
	}
	lc := localizer(c)
	err := s.accounts.VerifyEmail(c.Request().Context(), c.FormValue("token"))
	if errors.Is(err, account.ErrInvalidToken) {
		next, text := "/login", lc.T("verify_email.new_link_sign_in")
		if currentUser(c) != nil {
			next, text = "/account", lc.T("verify_email.new_link_account")
		}
		return s.message(c, http.StatusBadRequest, lc.T("link.expired_title"), lc.errorMessage(err.(*apperr.Error))+" "+text, lc.T("verify_email.continue"), next)
	}
	if err != nil {
		return err
	}
	return s.message(c, http.StatusOK, lc.T("verify_email.done_title"), lc.T("verify_email.done_text"), lc.T("home.go_dashboard"), "/dashboard")
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
	p.Title, p.Nav = localizer(c).T("account.title"), "account"
	p.Data = accountView{Verified: ok, MailOn: s.mailOn, Language: lang, NameChanges: ncs}
	return s.render(c, status, "account", p)
}

func (s *Server) pageAccount(c echo.Context) error {
	p := page{}
	switch done := c.QueryParam("done"); done {
	case "password", "email", "verify", "name":
		p.Flash = localizer(c).T("account.done." + done)
	}
	return s.accountPage(c, http.StatusOK, p)
}

// formFailed re-renders the settings page with a form's errors next to its
// fields, keeping what was typed (except passwords).
func (s *Server) formFailed(c echo.Context, err error, form map[string]string, general string) error {
	fields, msg := localizer(c).fieldErrors(err)
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
			err = apperr.FieldMsgs{"email_password": fieldMsg(ae, "current_password")}.Err()
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
