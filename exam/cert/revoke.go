package cert

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mopscert/mopscert/apperr"
)

// Revoke revokes a certificate and returns it as it now stands.
func (s *Service) Revoke(ctx context.Context, id, reason, actor string) (Credential, error) {
	var c Credential
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		if err := s.RevokeTx(ctx, tx, id, reason, actor); err != nil {
			return err
		}
		canon, _ := ParseID(id) // RevokeTx has checked it
		var err error
		c, err = s.FindTx(ctx, tx, canon)
		return err
	})
	return c, err
}

// RevokeTx revokes a certificate inside the caller's write transaction (a
// regrade that turns a pass into a fail revokes in the same transaction).
// The reason is shown to anyone who verifies the certificate.
func (s *Service) RevokeTx(ctx context.Context, tx *sql.Tx, id, reason, actor string) error {
	id, err := ParseID(id)
	if err != nil {
		return ErrNotFound
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return apperr.Fielded(map[string]string{"reason": "A reason of at most 500 characters is required; it is shown to whoever verifies the certificate."})
	}
	res, err := tx.ExecContext(ctx, `
		UPDATE credentials SET revoked_at = ?, revoked_reason = ?, revoked_by = ?
		WHERE id = ? AND revoked_at IS NULL`,
		s.clk.Now().UTC(), reason, actor, id)
	if err != nil {
		return fmt.Errorf("revoke certificate: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("revoke certificate: %w", err)
	} else if n == 1 {
		return nil
	}
	if _, err := findWhere(ctx, tx, `id = ?`, id); err != nil {
		return err
	}
	return ErrAlreadyRevoked
}
