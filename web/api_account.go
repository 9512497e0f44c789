package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/account"
)

// accountRoutes are the self-service endpoints of API.md's "Accounts,
// self-service and mail".
func (s *Server) accountRoutes(api *echo.Group) {
	api.POST("/auth/password-reset", s.handlePasswordResetRequest)
	api.POST("/auth/password-reset/confirm", s.handlePasswordResetConfirm)
	api.POST("/auth/verify-email", s.handleVerifyEmail)
	api.POST("/me/verify-email", s.handleResendVerification, requireUser)
	api.POST("/me/password", s.handleChangePassword, requireUser)
	api.POST("/me/email", s.handleChangeEmail, requireUser)
	api.PATCH("/me", s.handleMePatch, requireUser)
}

type emailRequest struct {
	Email string `json:"email"`
}

// resetAccepted is the one answer to a reset request, whatever the address.
var resetAccepted = map[string]string{"status": "accepted"}

// handlePasswordResetRequest answers 202 before looking the address up: the
// work (a token and a message for a known address, nothing for an unknown
// one) runs after the answer, so neither the answer nor its timing says
// whether the address has an account.
func (s *Server) handlePasswordResetRequest(c echo.Context) error {
	if err := s.limits.check(c.Request().Context(), s.limits.register, c.RealIP()); err != nil {
		return err
	}
	var r emailRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	s.requestReset(r.Email)
	return c.JSON(http.StatusAccepted, resetAccepted)
}

// requestReset runs the reset request in the background, detached from the
// request (which has been answered). The wait group lets Shutdown finish it.
func (s *Server) requestReset(email string) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.accounts.RequestPasswordReset(ctx, email); err != nil {
			s.log.Error("password reset request", "err", err)
		}
	}()
}

type resetConfirmRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

func (s *Server) handlePasswordResetConfirm(c echo.Context) error {
	if err := s.limits.check(c.Request().Context(), s.limits.register, c.RealIP()); err != nil {
		return err
	}
	var r resetConfirmRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if err := s.accounts.ResetPassword(c.Request().Context(), r.Token, r.Password); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return c.NoContent(http.StatusNoContent)
}

type tokenRequest struct {
	Token string `json:"token"`
}

func (s *Server) handleVerifyEmail(c echo.Context) error {
	var r tokenRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if err := s.accounts.VerifyEmail(c.Request().Context(), r.Token); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) handleResendVerification(c echo.Context) error {
	if err := s.accounts.SendVerification(c.Request().Context(), userID(c)); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, resetAccepted)
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) handleChangePassword(c echo.Context) error {
	var r changePasswordRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	tok, _ := c.Get(ctxToken).(string)
	if err := s.accounts.ChangePassword(c.Request().Context(), userID(c), tok, r.CurrentPassword, r.NewPassword); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type changeEmailRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// handleChangeEmail starts a change of address: 202, and the new address
// gets a verification link; the change happens when it is followed.
func (s *Server) handleChangeEmail(c echo.Context) error {
	var r changeEmailRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if err := s.accounts.RequestEmailChange(c.Request().Context(), userID(c), r.Password, r.Email); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, resetAccepted)
}

type mePatch struct {
	Language *string `json:"language"`
}

type meResponse struct {
	*account.User
	Language      string `json:"language"`
	EmailVerified bool   `json:"email_verified"`
}

func (s *Server) handleMePatch(c echo.Context) error {
	var r mePatch
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if r.Language != nil {
		if err := s.accounts.SetLanguage(ctx, userID(c), *r.Language); err != nil {
			return err
		}
	}
	return s.writeMe(c)
}

// writeMe answers the signed-in user with their language and whether the
// address is confirmed (fields added to API.md's user).
func (s *Server) writeMe(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	lang, err := s.accounts.Language(ctx, u.ID)
	if err != nil {
		return err
	}
	ok, err := s.accounts.EmailVerified(ctx, u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, meResponse{User: u, Language: lang, EmailVerified: ok})
}
