package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// DeviceLifetime is how long a device cookie stays valid after the sign-in
// that set it.
const DeviceLifetime = 365 * 24 * time.Hour

// CreateDevice records a browser that has just signed in as userID and
// returns the secret for its device cookie (only its hash is stored).
func (s *Store) CreateDevice(ctx context.Context, userID string) (string, error) {
	token := randomToken(32)
	now := s.clock.Now()
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_devices WHERE expires_at < ?`, now); err != nil {
			return fmt.Errorf("prune devices: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sign_in_devices (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			HashToken(token), userID, now, now.Add(DeviceLifetime))
		if err != nil {
			return fmt.Errorf("insert device: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// DeviceKnown reports whether token is an unexpired device cookie set by a
// successful sign-in to the account with this e-mail address. It is the
// device's own identity (its hash) that the caller budgets by.
func (s *Store) DeviceKnown(ctx context.Context, token, email string) (bool, error) {
	if token == "" || len(token) > 100 {
		return false, nil
	}
	email, _ = CanonicalEmail(email)
	var one int
	err := s.db.R.QueryRowContext(ctx, `SELECT 1 FROM sign_in_devices d JOIN users u ON u.id = d.user_id
		WHERE d.token_hash = ? AND u.email_norm = ? AND d.expires_at > ?`, HashToken(token), EmailKey(email), s.clock.Now()).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("find device: %w", err)
	}
	return true, nil
}
