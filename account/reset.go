package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/mail"
)

// Lifetimes and limits of single-use links.
const (
	ResetTokenLife  = 30 * time.Minute
	VerifyTokenLife = 48 * time.Hour
	// At most this many links of one purpose per user in linkWindow; more
	// requests are answered the same way but send nothing (resets) or are
	// refused (verification resends, where the user is signed in anyway).
	maxLinksPerWindow = 5
	linkWindow        = 24 * time.Hour
)

const (
	purposeReset  = "password_reset"
	purposeVerify = "verify_email"
)

// Errors of the self-service flows.
var (
	ErrInvalidToken   = apperr.New(apperr.BadRequest, "invalid_token", "This link is no longer valid: it was used already, has expired or is not complete. Ask for a new one.")
	ErrWrongPassword  = codeWrongPassword.Msg("That is not your current password.").On("current_password")
	ErrTooManyLinks   = apperr.New(apperr.TooMany, "too_many_links", "We have sent several links today already. Look for them in your mailbox (and its spam folder), or try again tomorrow.")
	ErrEmailUnchanged = codeEmailUnchanged.Msg("That is already your e-mail address.").On("email")

	errAnonymizeRefused = apperr.New(apperr.Conflict, "cannot_anonymize", "Only a candidate's account that is not anonymized yet can be anonymized.")
)

// RequestPasswordReset mails a single-use reset link to the account with
// this address, if there is one, and returns nil either way. Its cost is not
// the same both ways (a known address commits a token and a message, an
// fsync; BenchmarkPasswordResetRequest shows about 4 ms against 34 µs), so
// the web layer answers 202 first and runs this afterwards: the response's
// timing does not depend on it.
func (s *Store) RequestPasswordReset(ctx context.Context, email string) error {
	email, _ = CanonicalEmail(email)
	now := s.clock.Now()
	token := randomToken(32)
	return s.db.Update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM account_tokens WHERE expires_at < ?`, now.Add(-linkWindow)); err != nil {
			return fmt.Errorf("prune tokens: %w", err)
		}
		var id, name string
		err := tx.QueryRowContext(ctx, `SELECT id, name FROM users WHERE email_norm = ? AND anonymized_at IS NULL`, EmailKey(email)).Scan(&id, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("find user for reset: %w", err)
		}
		if n, err := recentLinks(ctx, tx, id, purposeReset, now); err != nil || n >= maxLinksPerWindow {
			return err
		}
		if err := insertToken(ctx, tx, token, id, purposeReset, "", now, ResetTokenLife); err != nil {
			return err
		}
		return mail.Enqueue(ctx, tx, now, mail.Notice{UserID: id, Kind: mail.KindPasswordReset,
			Args: mail.Args{"name": name, "path": "/reset-password?token=" + token}})
	})
}

// ResetPassword sets a new password with a reset link's token. The token
// works once; every session of the user ends (the reset may be because
// someone else got in). Following the link also proves the mailbox, so the
// address counts as verified.
func (s *Store) ResetPassword(ctx context.Context, token, password string) error {
	if m := CheckPassword(password); m.Code != "" {
		return m.On("password")
	}
	hash, err := HashPasswordContext(ctx, password)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	var userID string
	err = s.db.Update(ctx, func(tx *sql.Tx) error {
		var name string
		userID, _, err = useToken(ctx, tx, token, purposeReset, now)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, userID).Scan(&name); err != nil {
			return fmt.Errorf("reset password of %s: %w", userID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, email_verified_at = coalesce(email_verified_at, ?) WHERE id = ?`, hash, now, userID); err != nil {
			return fmt.Errorf("reset password of %s: %w", userID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM account_tokens WHERE user_id = ? AND purpose = ? AND used_at IS NULL`, userID, purposeReset); err != nil {
			return fmt.Errorf("drop other reset links: %w", err)
		}
		if err := endSessions(ctx, tx, userID, ""); err != nil {
			return err
		}
		return mail.Enqueue(ctx, tx, now, mail.Notice{UserID: userID, Kind: mail.KindPasswordChanged, Args: mail.Args{"name": name}})
	})
	if err != nil {
		return err
	}
	s.sessions.dropUser(userID)
	return nil
}

// ChangePassword sets a new password for a signed-in user who knows the
// current one. Every other session ends; keepToken's stays.
func (s *Store) ChangePassword(ctx context.Context, userID, keepToken, current, password string) error {
	u, err := s.FindUserByID(ctx, userID)
	if err != nil {
		return err
	}
	if _, err := s.Authenticate(ctx, u.Email, current); errors.Is(err, ErrInvalidCredentials) {
		return ErrWrongPassword
	} else if err != nil {
		return err
	}
	if m := CheckPassword(password); m.Code != "" {
		return m.On("new_password")
	}
	hash, err := HashPasswordContext(ctx, password)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	err = s.db.Update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID); err != nil {
			return fmt.Errorf("change password of %s: %w", userID, err)
		}
		if err := endSessions(ctx, tx, userID, keepToken); err != nil {
			return err
		}
		return mail.Enqueue(ctx, tx, now, mail.Notice{UserID: userID, Kind: mail.KindPasswordChanged, Args: mail.Args{"name": u.Name}})
	})
	if err != nil {
		return err
	}
	s.sessions.dropUser(userID)
	return nil
}

// endSessions deletes a user's sessions except the one with keepToken.
func endSessions(ctx context.Context, tx *sql.Tx, userID, keepToken string) error {
	keep := ""
	if keepToken != "" {
		keep = HashToken(keepToken)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, keep); err != nil {
		return fmt.Errorf("end sessions of %s: %w", userID, err)
	}
	return nil
}

func insertToken(ctx context.Context, tx *sql.Tx, token, userID, purpose, email string, now time.Time, life time.Duration) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO account_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, HashToken(token), userID, purpose, email, now, now.Add(life))
	if err != nil {
		return fmt.Errorf("insert %s token: %w", purpose, err)
	}
	return nil
}

func recentLinks(ctx context.Context, tx *sql.Tx, userID, purpose string, now time.Time) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM account_tokens WHERE user_id = ? AND purpose = ? AND created_at > ?`,
		userID, purpose, now.Add(-linkWindow)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s links: %w", purpose, err)
	}
	return n, nil
}

// useToken marks an unused, unexpired token of purpose used and returns its
// user and e-mail. The UPDATE's WHERE makes "once" hold under concurrency.
func useToken(ctx context.Context, tx *sql.Tx, token, purpose string, now time.Time) (userID, email string, err error) {
	if token == "" || len(token) > 100 {
		return "", "", ErrInvalidToken
	}
	err = tx.QueryRowContext(ctx, `UPDATE account_tokens SET used_at = ?
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		RETURNING user_id, email`, now, HashToken(token), purpose, now).Scan(&userID, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", ErrInvalidToken
	}
	if err != nil {
		return "", "", fmt.Errorf("use %s token: %w", purpose, err)
	}
	return userID, email, nil
}
