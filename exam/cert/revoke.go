package cert

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mopscert/mopscert/apperr"
)

// Public revocation reasons: what anyone verifying the certificate is told,
// as a code the web layer words. The free-text note stays with admins.
const (
	ReasonIssuedInError = "issued_in_error"
	ReasonMisconduct    = "misconduct"
	ReasonHolderRequest = "holder_request"
	ReasonRegrade       = "regrade"
	ReasonOther         = "other"
)

// PublicReasons lists the public reasons, in the order a form offers them.
var PublicReasons = []string{ReasonIssuedInError, ReasonMisconduct, ReasonHolderRequest, ReasonRegrade, ReasonOther}

// Revocation is why a certificate is revoked: a public reason code and an
// internal note for admins.
type Revocation struct {
	PublicReason string `json:"public_reason"`
	Note         string `json:"note"`
}

// Revoke revokes a certificate with a free-text reason, kept as the
// internal note under the public reason "other".
func (s *Service) Revoke(ctx context.Context, id, reason, actor string) (Credential, error) {
	if strings.TrimSpace(reason) == "" {
		return Credential{}, codeRevokeReason.Msg("A reason of at most %d characters is required.", 500).On("reason")
	}
	return s.RevokeWith(ctx, id, Revocation{PublicReason: ReasonOther, Note: reason}, actor)
}

// RevokeWith revokes a certificate and returns it as it now stands.
func (s *Service) RevokeWith(ctx context.Context, id string, r Revocation, actor string) (Credential, error) {
	var c Credential
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		if err := s.RevokeTxWith(ctx, tx, id, r, actor); err != nil {
			return err
		}
		canon, _ := ParseID(id) // RevokeTxWith has checked it
		var err error
		c, err = s.FindTx(ctx, tx, canon)
		return err
	})
	return c, err
}

// RevokeTx revokes a certificate inside the caller's write transaction (a
// regrade that turns a pass into a fail revokes in the same transaction);
// reason is the internal note, the public reason "other".
func (s *Service) RevokeTx(ctx context.Context, tx *sql.Tx, id, reason, actor string) error {
	return s.RevokeTxWith(ctx, tx, id, Revocation{PublicReason: ReasonOther, Note: reason}, actor)
}

// RevokeTxWith is RevokeTx with a public reason and a note.
func (s *Service) RevokeTxWith(ctx context.Context, tx *sql.Tx, id string, r Revocation, actor string) error {
	id, err := ParseID(id)
	if err != nil {
		return ErrNotFound
	}
	r.Note = strings.TrimSpace(r.Note)
	f := apperr.FieldMsgs{}
	if !slices.Contains(PublicReasons, r.PublicReason) {
		f["public_reason"] = codeRevokePublicReason.Msg("Choose a public reason: %s.", strings.Join(PublicReasons, ", "))
	}
	if utf8.RuneCountInString(r.Note) > 500 {
		f["note"] = codeRevokeNote.Msg("Keep the note under %d characters.", 500)
	}
	if len(f) > 0 {
		return f.Err()
	}
	res, err := tx.ExecContext(ctx, `
		UPDATE credentials SET revoked_at = ?, revoked_public_reason = ?, revoked_reason = ?, revoked_by = ?
		WHERE id = ? AND revoked_at IS NULL`,
		s.clk.Now().UTC(), r.PublicReason, r.Note, actor, id)
	if err != nil {
		return fmt.Errorf("revoke certificate: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("revoke certificate: %w", err)
	} else if n == 1 {
		return s.revokedNotice(ctx, tx, id, r.PublicReason)
	}
	if _, err := findWhere(ctx, tx, `id = ?`, id); err != nil {
		return err
	}
	return ErrAlreadyRevoked
}
