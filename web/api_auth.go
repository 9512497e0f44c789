package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/account"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string        `json:"token"`
	ExpiresAt time.Time     `json:"expires_at"`
	User      *account.User `json:"user"`
}

func (s *Server) handleRegister(c echo.Context) error {
	if err := s.limits.check(s.limits.register, c.RealIP()); err != nil {
		return err
	}
	var r account.Registration
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	u, err := s.accounts.Register(c.Request().Context(), r, account.Candidate)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, u)
}

// login checks the per-address and per-account limits before the password,
// so guessing is throttled whichever of the two an attacker varies.
func (s *Server) login(c echo.Context, email, password string) (string, *account.Session, *account.User, error) {
	if err := s.limits.check(s.limits.loginIP, c.RealIP()); err != nil {
		return "", nil, nil, err
	}
	key := strings.ToLower(strings.TrimSpace(email))
	if s.limits.on {
		if ok, _ := s.limits.loginAccount.peek(key); !ok {
			return "", nil, nil, errRateLimited.With("retry_after", 60)
		}
	}
	ctx := c.Request().Context()
	u, err := s.accounts.Authenticate(ctx, email, password)
	if err != nil {
		if errors.Is(err, account.ErrInvalidCredentials) {
			_ = s.limits.check(s.limits.loginAccount, key) // count the failure
		}
		return "", nil, nil, err
	}
	token, sess, err := s.accounts.CreateSession(ctx, u.ID)
	if err != nil {
		return "", nil, nil, err
	}
	s.setSessionCookie(c, token, sess)
	return token, sess, u, nil
}

func (s *Server) handleLogin(c echo.Context) error {
	var r loginRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	token, sess, u, err := s.login(c, r.Email, r.Password)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, loginResponse{Token: token, ExpiresAt: sess.ExpiresAt, User: u})
}

func (s *Server) handleLogout(c echo.Context) error {
	if tok, _ := c.Get(ctxToken).(string); tok != "" {
		if err := s.accounts.DeleteSession(c.Request().Context(), tok); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) handleMe(c echo.Context) error {
	return c.JSON(http.StatusOK, currentUser(c))
}

func (s *Server) setSessionCookie(c echo.Context, token string, sess *account.Session) {
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, Expires: sess.CreatedAt.Add(account.MaxAge),
	})
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
