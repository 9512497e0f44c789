package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/mail"
)

// ErrEmailUnverified: with mail configured, a candidate confirms the address
// before the first exam.
var ErrEmailUnverified = apperr.New(apperr.Forbidden, "email_unverified", "Confirm your e-mail address first: we sent you a link. You can ask for a new one on your dashboard.")

// verifyMail enqueues a verification link for to (the user's address, or a
// new one being changed to) inside tx.
func verifyMail(ctx context.Context, tx *sql.Tx, now time.Time, userID, name, to string) error {
	token := randomToken(32)
	if err := insertToken(ctx, tx, token, userID, purposeVerify, to, now, VerifyTokenLife); err != nil {
		return err
	}
	return mail.Enqueue(ctx, tx, now, mail.Notice{UserID: userID, To: to, Kind: mail.KindVerifyEmail, Args: mail.Args{
		"name": name, "path": "/verify-email?token=" + token, "hours": strconv.Itoa(int(VerifyTokenLife.Hours())),
	}})
}

// SendVerification mails a new verification link to the user's address, at
// most a few a day.
func (s *Store) SendVerification(ctx context.Context, userID string) error {
	now := s.clock.Now()
	return s.db.Update(ctx, func(tx *sql.Tx) error {
		var email, name string
		var verified sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT email, name, email_verified_at FROM users WHERE id = ?`, userID).Scan(&email, &name, &verified)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("find user %s: %w", userID, err)
		}
		if verified.Valid {
			return nil
		}
		if n, err := recentLinks(ctx, tx, userID, purposeVerify, now); err != nil {
			return err
		} else if n >= maxLinksPerWindow {
			return ErrTooManyLinks
		}
		return verifyMail(ctx, tx, now, userID, name, email)
	})
}

// VerifyEmail confirms an address with a link's token. For a change of
// address, the account's address becomes the confirmed one.
func (s *Store) VerifyEmail(ctx context.Context, token string) error {
	now := s.clock.Now()
	var userID string
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		var email string
		var err error
		userID, email, err = useToken(ctx, tx, token, purposeVerify, now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET email = ?, email_norm = ?, email_verified_at = ? WHERE id = ?`, email, EmailKey(email), now, userID)
		if db.IsUniqueViolation(err) {
			return ErrEmailTaken
		}
		if err != nil {
			return fmt.Errorf("verify e-mail of %s: %w", userID, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.sessions.dropUser(userID) // cached sessions hold the old address
	return nil
}

// RequestEmailChange starts a change of address: the new address gets a
// verification link (the change happens when it is followed), the old one
// is told. The current password is asked for, so a session left open on a
// shared computer cannot take the account over.
func (s *Store) RequestEmailChange(ctx context.Context, userID, password, newEmail string) error {
	u, err := s.FindUserByID(ctx, userID)
	if err != nil {
		return err
	}
	canon, problem := CanonicalEmail(newEmail)
	if m := identityMessage(problem, "email"); m.Code != "" {
		return m.On("email")
	}
	if m := checkEmail(canon); m.Code != "" {
		return m.On("email")
	}
	if canon == u.Email {
		return ErrEmailUnchanged
	}
	if _, err := s.Authenticate(ctx, u.Email, password); errors.Is(err, ErrInvalidCredentials) {
		return ErrWrongPassword
	} else if err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.Update(ctx, func(tx *sql.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE email_norm = ?`, EmailKey(canon)).Scan(&taken); err != nil {
			return fmt.Errorf("check e-mail: %w", err)
		}
		if taken > 0 {
			return ErrEmailTaken
		}
		if n, err := recentLinks(ctx, tx, userID, purposeVerify, now); err != nil {
			return err
		} else if n >= maxLinksPerWindow {
			return ErrTooManyLinks
		}
		if err := verifyMail(ctx, tx, now, userID, u.Name, canon); err != nil {
			return err
		}
		return mail.Enqueue(ctx, tx, now, mail.Notice{UserID: userID, To: u.Email, Kind: mail.KindEmailChanged,
			Args: mail.Args{"name": u.Name, "new_email": canon}})
	})
}

// EmailVerified reports whether the user has confirmed the address.
func (s *Store) EmailVerified(ctx context.Context, userID string) (bool, error) {
	var v sql.NullTime
	err := s.db.R.QueryRowContext(ctx, `SELECT email_verified_at FROM users WHERE id = ?`, userID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("e-mail verified of %s: %w", userID, err)
	}
	return v.Valid, nil
}

// RequireVerifiedEmail is ErrEmailUnverified unless the user has confirmed
// the address or verification is off (no mail configured).
func (s *Store) RequireVerifiedEmail(ctx context.Context, userID string) error {
	if !s.VerifyEmails {
		return nil
	}
	ok, err := s.EmailVerified(ctx, userID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrEmailUnverified
	}
	return nil
}

// Language returns the user's language.
func (s *Store) Language(ctx context.Context, userID string) (string, error) {
	var l string
	if err := s.db.R.QueryRowContext(ctx, `SELECT language FROM users WHERE id = ?`, userID).Scan(&l); err != nil {
		return "", fmt.Errorf("language of %s: %w", userID, err)
	}
	return l, nil
}
