package account

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mopscert/mopscert/audit"
)

// AnonymizedName replaces the name of an anonymized account.
const AnonymizedName = "Anonymized"

// Scrubber removes a person's data from tables another package owns, inside
// the anonymization's transaction.
type Scrubber func(ctx context.Context, tx *sql.Tx, userID string) error

// Anonymize removes a person's personal data (GDPR Art. 17): name, e-mail
// address and password are replaced, sessions, devices, links, queued mail
// and name requests deleted, and each scrubber cleans its own tables, all
// in one transaction with the audit record. Certificates keep the holder's
// name as issued: that is the record employers rely on (docs/privacy.md).
func (s *Store) Anonymize(ctx context.Context, userID, actor, reason string, scrub ...Scrubber) error {
	reason, err := audit.CheckReason(reason)
	if err != nil {
		return err
	}
	// A valid hash of a password nobody knows: sign-in fails like any wrong
	// password instead of tripping over a malformed hash.
	hash, err := HashPasswordContext(ctx, randomToken(32))
	if err != nil {
		return err
	}
	now := s.clock.Now()
	anonEmail := "anonymized-" + userID + "@anonymized.invalid"
	err = s.db.Update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET email = ?, email_norm = ?, name = ?, password_hash = ?, anonymized_at = ?, email_verified_at = NULL
			WHERE id = ? AND anonymized_at IS NULL AND role = 'candidate'`, anonEmail, EmailKey(anonEmail), AnonymizedName, hash, now, userID)
		if err != nil {
			return fmt.Errorf("anonymize %s: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if _, err := s.FindUserByID(ctx, userID); err != nil {
				return err
			}
			return errAnonymizeRefused
		}
		for _, q := range []string{
			`DELETE FROM sessions WHERE user_id = ?`,
			`DELETE FROM sign_in_devices WHERE user_id = ?`,
			`DELETE FROM account_tokens WHERE user_id = ?`,
			`DELETE FROM mail_outbox WHERE user_id = ?`,
			`DELETE FROM name_change_requests WHERE user_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return fmt.Errorf("anonymize %s: %w", userID, err)
			}
		}
		for _, f := range scrub {
			if err := f(ctx, tx, userID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Action{Actor: actor, TargetID: userID, Action: audit.Anonymized, Reason: reason, At: now})
	})
	if err != nil {
		return err
	}
	s.sessions.dropUser(userID)
	return nil
}
