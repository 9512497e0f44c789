package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db/dbtest"
)

func newStore(t *testing.T) (*account.Store, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	return account.NewStore(dbtest.Open(t), clk), clk
}

func TestRegistrationValidate(t *testing.T) {
	tests := []struct {
		name  string
		reg   account.Registration
		field string // "" = valid
	}{
		{"OK", account.Registration{Email: "ana@example.com", Name: "Ana Lima", Password: "correct horse battery"}, ""},
		{"OKUnicodeName", account.Registration{Email: "zoe@example.com", Name: "Zoë Ångström", Password: "ταυτότητα-1234"}, ""},
		{"OK128", account.Registration{Email: "a@example.com", Name: "A", Password: strings.Repeat("é", 128)}, ""},
		{"ErrShortPassword", account.Registration{Email: "a@example.com", Name: "A", Password: "short1"}, "password"},
		{"ErrLongPassword", account.Registration{Email: "a@example.com", Name: "A", Password: strings.Repeat("x", 200)}, "password"},
		{"ErrCommonPassword", account.Registration{Email: "a@example.com", Name: "A", Password: "Password1"}, "password"},
		{"ErrEmail", account.Registration{Email: "not-an-email", Name: "A", Password: "long enough pass"}, "email"},
		{"ErrEmailDisplayName", account.Registration{Email: "Ana <ana@example.com>", Name: "A", Password: "long enough pass"}, "email"},
		{"ErrNoName", account.Registration{Email: "a@example.com", Name: "  ", Password: "long enough pass"}, "name"},
		{"ErrControlInName", account.Registration{Email: "a@example.com", Name: "A\x07B", Password: "long enough pass"}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.reg
			r.Normalize()
			err := r.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			ae, ok := apperr.As(err)
			if !ok || ae.Fields[tt.field] == "" {
				t.Fatalf("Validate() = %v, want an error on field %q", err, tt.field)
			}
		})
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := account.HashPassword("a long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not argon2id with the expected parameters", h)
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{{"a long passphrase", true}, {"a long passphrasE", false}, {"", false}, {"a long passphrase ", false}} {
		ok, err := account.CheckPasswordHash(h, tt.pw)
		if err != nil || ok != tt.want {
			t.Errorf("CheckPasswordHash(%q) = %v, %v; want %v", tt.pw, ok, err, tt.want)
		}
	}
	// No truncation: two passwords that differ only after byte 72 (bcrypt's
	// limit) must not match.
	long := strings.Repeat("p", 100)
	h2, _ := account.HashPassword(long + "A")
	if ok, _ := account.CheckPasswordHash(h2, long+"B"); ok {
		t.Error("passwords differing after byte 100 matched")
	}
}

func TestRegisterAuthenticate(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	u, err := s.Register(ctx, account.Registration{Email: "Ana@Example.com", Name: "Ana", Password: "correct horse battery"}, account.Candidate)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.Role, account.Candidate; got != want {
		t.Errorf("role = %q, want %q", got, want)
	}
	t.Run("ErrEmailTaken", func(t *testing.T) {
		_, err := s.Register(ctx, account.Registration{Email: "ana@example.com", Name: "Other", Password: "another long one"}, account.Candidate)
		if !errors.Is(err, account.ErrEmailTaken) {
			t.Fatalf("err = %v, want ErrEmailTaken", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		got, err := s.Authenticate(ctx, "ana@example.com", "correct horse battery")
		if err != nil || got.ID != u.ID {
			t.Fatalf("Authenticate = %v, %v", got, err)
		}
	})
	for name, tc := range map[string][2]string{
		"ErrWrongPassword": {"ana@example.com", "wrong password!"},
		"ErrUnknownEmail":  {"nobody@example.com", "correct horse battery"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Authenticate(ctx, tc[0], tc[1]); !errors.Is(err, account.ErrInvalidCredentials) {
				t.Fatalf("err = %v, want ErrInvalidCredentials", err)
			}
		})
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	s, clk := newStore(t)
	u, err := s.Register(ctx, account.Registration{Email: "bo@example.com", Name: "Bo", Password: "correct horse battery"}, account.Candidate)
	if err != nil {
		t.Fatal(err)
	}
	token, sess, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) < 40 || sess.CSRFToken == "" {
		t.Fatalf("token %q / csrf %q too short", token, sess.CSRFToken)
	}
	t.Run("OK", func(t *testing.T) {
		got, _, err := s.SessionUser(ctx, token)
		if err != nil || got.ID != u.ID {
			t.Fatalf("SessionUser = %v, %v", got, err)
		}
	})
	t.Run("SlidingExpiry", func(t *testing.T) {
		// Used every 6 hours, the session outlives its 12-hour idle timeout.
		for i := 0; i < 4; i++ {
			clk.Advance(6 * time.Hour)
			if _, _, err := s.SessionUser(ctx, token); err != nil {
				t.Fatalf("after %d×6h: %v", i+1, err)
			}
		}
	})
	t.Run("ErrIdle", func(t *testing.T) {
		clk.Advance(account.IdleTimeout + time.Minute)
		if _, _, err := s.SessionUser(ctx, token); !errors.Is(err, account.ErrUnauthenticated) {
			t.Fatalf("err = %v, want ErrUnauthenticated", err)
		}
	})
	t.Run("ErrLoggedOut", func(t *testing.T) {
		tok, _, _ := s.CreateSession(ctx, u.ID)
		if err := s.DeleteSession(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, tok); !errors.Is(err, account.ErrUnauthenticated) {
			t.Fatalf("err = %v, want ErrUnauthenticated", err)
		}
	})
	t.Run("ErrGarbage", func(t *testing.T) {
		if _, _, err := s.SessionUser(ctx, "nope"); !errors.Is(err, account.ErrUnauthenticated) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestEnsureAdmin(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	u, pw, err := s.EnsureAdmin(ctx, "", "", "")
	if err != nil || u == nil || len(pw) < 16 {
		t.Fatalf("EnsureAdmin = %v, %q, %v", u, pw, err)
	}
	if _, err := s.Authenticate(ctx, u.Email, pw); err != nil {
		t.Fatalf("generated password does not sign in: %v", err)
	}
	again, pw2, err := s.EnsureAdmin(ctx, "x@example.com", "X", "")
	if err != nil || again != nil || pw2 != "" {
		t.Fatalf("second EnsureAdmin = %v, %q, %v; want nothing created", again, pw2, err)
	}
}
