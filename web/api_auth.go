package web

import (
	"errors"
	"net/http"
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
	if err := s.limits.check(c.Request().Context(), s.limits.register, c.RealIP()); err != nil {
		return err
	}
	var r account.Registration
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if r.Language == "" {
		r.Language = localizer(c).Lang
	}
	u, err := s.accounts.Register(c.Request().Context(), r, account.Candidate)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, u)
}

// deviceCookie marks a browser that has signed in successfully (see
// signInThrottle); it holds a random secret whose hash is stored.
const deviceCookie = "mopscert_device"

// login reserves an attempt from the sign-in budgets before the password is
// hashed (so parallel guesses cannot all slip past a check), then checks
// it; a success gives the attempt back and marks the browser as a device.
func (s *Server) login(c echo.Context, email, password string) (string, *account.Session, *account.User, error) {
	ctx := c.Request().Context()
	key, _ := account.CanonicalEmail(email)
	var deviceToken string
	if ck, err := c.Cookie(deviceCookie); err == nil {
		deviceToken = ck.Value
	}
	done := func(bool, time.Time) {}
	if s.limits.on {
		a := signInAttempt{account: key, addr: c.RealIP()}
		if deviceToken != "" {
			known, err := s.accounts.DeviceKnown(ctx, deviceToken, key)
			if err != nil {
				return "", nil, nil, err
			}
			if known {
				a.device = account.HashToken(deviceToken)
			}
		}
		d, wait, ok, err := s.limits.signIn.reserve(ctx, a, s.clock.Now())
		if err != nil {
			return "", nil, nil, err
		}
		if !ok {
			return "", nil, nil, rateLimited(wait)
		}
		done = d
	}
	u, err := s.accounts.Authenticate(ctx, email, password)
	if err != nil {
		// Only a wrong password is a guess; a busy server refunds.
		done(!errors.Is(err, account.ErrInvalidCredentials), s.clock.Now())
		return "", nil, nil, err
	}
	done(true, s.clock.Now())
	if known, err := s.accounts.DeviceKnown(ctx, deviceToken, key); err != nil {
		return "", nil, nil, err
	} else if !known {
		tok, err := s.accounts.CreateDevice(ctx, u.ID)
		if err != nil {
			return "", nil, nil, err
		}
		s.setDeviceCookie(c, tok)
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
	return s.writeMe(c)
}

func (s *Server) setSessionCookie(c echo.Context, token string, sess *account.Session) {
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secure,
		// Max-Age, not Expires: relative to the server's clock, so a client
		// whose clock is off does not drop or keep the cookie wrongly.
		SameSite: http.SameSiteLaxMode, MaxAge: max(1, int(sess.CreatedAt.Add(account.MaxAge).Sub(s.clock.Now())/time.Second)),
	})
}

func (s *Server) setDeviceCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{
		Name: deviceCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(account.DeviceLifetime / time.Second),
	})
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
