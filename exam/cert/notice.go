package cert

import (
	"context"
	"database/sql"

	"github.com/mopscert/mopscert/mail"
)

// revokedNotice tells the holder, in the revocation's transaction, with the
// public reason (never the internal note).
func (s *Service) revokedNotice(ctx context.Context, tx *sql.Tx, id, publicReason string) error {
	c, err := findWhere(ctx, tx, `id = ?`, id)
	if err != nil {
		return err
	}
	return mail.Enqueue(ctx, tx, s.clk.Now(), mail.Notice{UserID: c.UserID, Kind: mail.KindCertRevoked, Args: mail.Args{
		"name": c.HolderName, "tier_name": c.TierName, "cert_id": c.ID, "reason": publicReason,
	}})
}

// IssuedNotice is the "certificate issued" message of c, for the caller to
// enqueue in the transaction that issued it.
func IssuedNotice(c Credential) mail.Notice {
	return mail.Notice{UserID: c.UserID, Kind: mail.KindCertIssued, Args: mail.Args{
		"name": c.HolderName, "tier_name": c.TierName, "cert_id": c.ID, "expires": longDate(c.ExpiresAt),
		"pdf_path": "/api/v1/certificates/" + c.ID + "/pdf", "verify_path": "/verify?id=" + c.ID,
	}}
}
