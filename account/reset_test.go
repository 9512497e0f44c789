package account_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
	"github.com/mopscert/mopscert/mail"
)

func newStoreDB(tb testing.TB) (*account.Store, *db.DB, *clock.Fake) {
	tb.Helper()
	clk := clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	d := dbtest.Open(tb)
	return account.NewStore(d, clk), d, clk
}

// lastToken reads the token from the newest outbox message of kind to addr:
// what the recipient would click.
func lastToken(tb testing.TB, d *db.DB, clk clock.Clock, kind, addr string) string {
	tb.Helper()
	msgs, _, err := mail.NewOutbox(d, clk).List(context.Background(), mail.Filter{Kinds: []string{kind}})
	if err != nil {
		tb.Fatal(err)
	}
	for _, m := range msgs {
		if m.To == addr {
			u, err := url.Parse(m.Args["path"])
			if err != nil {
				tb.Fatal(err)
			}
			return u.Query().Get("token")
		}
	}
	tb.Fatalf("no %s message to %s", kind, addr)
	return ""
}

func TestPasswordReset(t *testing.T) {
	ctx := context.Background()
	s, d, clk := newStoreDB(t)
	u, err := s.Register(ctx, account.Registration{Email: "ana@example.com", Name: "Ana", Password: "old password 1"}, account.Candidate)
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := s.CreateSession(ctx, u.ID)

	if err := s.RequestPasswordReset(ctx, "ANA@example.com"); err != nil {
		t.Fatal(err)
	}
	tok := lastToken(t, d, clk, mail.KindPasswordReset, "ana@example.com")

	t.Run("ErrWeakPassword", func(t *testing.T) {
		if err := s.ResetPassword(ctx, tok, "short"); err == nil || errors.Is(err, account.ErrInvalidToken) {
			t.Fatalf("weak password: %v, want a field error (the token unspent)", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		if err := s.ResetPassword(ctx, tok, "new password 22"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "ana@example.com", "new password 22"); err != nil {
			t.Fatalf("new password: %v", err)
		}
		if _, _, err := s.SessionUser(ctx, other); !errors.Is(err, account.ErrUnauthenticated) {
			t.Fatalf("session after reset: %v, want ended", err)
		}
	})
	t.Run("ErrUsedTwice", func(t *testing.T) {
		if err := s.ResetPassword(ctx, tok, "third password 3"); !errors.Is(err, account.ErrInvalidToken) {
			t.Fatalf("second use: %v, want invalid_token", err)
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		if err := s.RequestPasswordReset(ctx, "ana@example.com"); err != nil {
			t.Fatal(err)
		}
		tok2 := lastToken(t, d, clk, mail.KindPasswordReset, "ana@example.com")
		if tok2 == tok {
			t.Fatal("the same token twice")
		}
		clk.Advance(account.ResetTokenLife)
		if err := s.ResetPassword(ctx, tok2, "third password 3"); !errors.Is(err, account.ErrInvalidToken) {
			t.Fatalf("expired link: %v, want invalid_token", err)
		}
	})
	t.Run("ErrUnknownToken", func(t *testing.T) {
		if err := s.ResetPassword(ctx, "made-up", "third password 3"); !errors.Is(err, account.ErrInvalidToken) {
			t.Fatalf("unknown token: %v", err)
		}
	})
}

func TestPasswordResetUnknownEmailSendsNothing(t *testing.T) {
	ctx := context.Background()
	s, d, clk := newStoreDB(t)
	if err := s.RequestPasswordReset(ctx, "nobody@example.com"); err != nil {
		t.Fatalf("unknown address: %v, want nil (no enumeration)", err)
	}
	if _, n, _ := mail.NewOutbox(d, clk).List(ctx, mail.Filter{}); n != 0 {
		t.Fatalf("%d messages for an unknown address", n)
	}
}

func TestChangePasswordKeepsThisSession(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newStoreDB(t)
	u, _ := s.Register(ctx, account.Registration{Email: "ana@example.com", Name: "Ana", Password: "old password 1"}, account.Candidate)
	this, _, _ := s.CreateSession(ctx, u.ID)
	other, _, _ := s.CreateSession(ctx, u.ID)
	if err := s.ChangePassword(ctx, u.ID, this, "wrong password", "new password 22"); !errors.Is(err, account.ErrWrongPassword) {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := s.ChangePassword(ctx, u.ID, this, "old password 1", "new password 22"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, this); err != nil {
		t.Errorf("this session: %v, want kept", err)
	}
	if _, _, err := s.SessionUser(ctx, other); !errors.Is(err, account.ErrUnauthenticated) {
		t.Errorf("other session: %v, want ended", err)
	}
}

func TestVerifyEmailAndChange(t *testing.T) {
	ctx := context.Background()
	s, d, clk := newStoreDB(t)
	s.VerifyEmails = true
	u, _ := s.Register(ctx, account.Registration{Email: "ana@example.com", Name: "Ana", Password: "old password 1"}, account.Candidate)
	if err := s.RequireVerifiedEmail(ctx, u.ID); !errors.Is(err, account.ErrEmailUnverified) {
		t.Fatalf("before verifying: %v", err)
	}
	tok := lastToken(t, d, clk, mail.KindVerifyEmail, "ana@example.com")
	if err := s.VerifyEmail(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if err := s.RequireVerifiedEmail(ctx, u.ID); err != nil {
		t.Fatalf("after verifying: %v", err)
	}
	if err := s.VerifyEmail(ctx, tok); !errors.Is(err, account.ErrInvalidToken) {
		t.Fatalf("link used twice: %v", err)
	}

	if err := s.RequestEmailChange(ctx, u.ID, "old password 1", "ana.new@example.com"); err != nil {
		t.Fatal(err)
	}
	msgs, _, _ := mail.NewOutbox(d, clk).List(ctx, mail.Filter{Kinds: []string{mail.KindEmailChanged}})
	if len(msgs) != 1 || msgs[0].To != "ana@example.com" {
		t.Fatalf("old address not told: %+v", msgs)
	}
	if got, _ := s.FindUserByID(ctx, u.ID); got.Email != "ana@example.com" {
		t.Fatalf("address changed before confirmation: %s", got.Email)
	}
	if err := s.VerifyEmail(ctx, lastToken(t, d, clk, mail.KindVerifyEmail, "ana.new@example.com")); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindUserByID(ctx, u.ID); got.Email != "ana.new@example.com" {
		t.Fatalf("address after confirmation: %s", got.Email)
	}
}

func TestVerificationResendLimit(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newStoreDB(t)
	s.VerifyEmails = true
	u, _ := s.Register(ctx, account.Registration{Email: "ana@example.com", Name: "Ana", Password: "old password 1"}, account.Candidate)
	var err error
	for i := 0; i < 10 && err == nil; i++ {
		err = s.SendVerification(ctx, u.ID)
	}
	if !errors.Is(err, account.ErrTooManyLinks) {
		t.Fatalf("after many resends: %v, want too_many_links", err)
	}
}

// BenchmarkPasswordResetRequest compares known and unknown addresses. They
// differ (a commit with an fsync against a read), which is why the HTTP
// handler answers before doing this work; web's BenchmarkPasswordResetHTTP
// measures what a client sees.
func BenchmarkPasswordResetRequest(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct{ name, email string }{{"Known", "ana@example.com"}, {"Unknown", "nobody@example.com"}} {
		b.Run(tc.name, func(b *testing.B) {
			s, _, clk := newStoreDB(b)
			if _, err := s.Register(ctx, account.Registration{Email: "ana@example.com", Name: "Ana", Password: "old password 1"}, account.Candidate); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				// Move a day on each time so the per-day link limit never
				// short-cuts the known case.
				clk.Advance(25 * time.Hour)
				if err := s.RequestPasswordReset(ctx, strings.ToUpper(tc.email)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
