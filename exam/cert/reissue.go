package cert

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ReissueTx replaces a valid certificate with one under a corrected holder
// name: a new id and token, the same tier and expiry. The old one stays
// genuine but answers "superseded" at verification and names the new one,
// so a link on an old PDF still explains what happened.
func (s *Service) ReissueTx(ctx context.Context, tx *sql.Tx, oldID, holderName string) (Credential, error) {
	old, err := findWhere(ctx, tx, `id = ?`, oldID)
	if err != nil {
		return Credential{}, err
	}
	now := s.clk.Now().UTC()
	if st := old.statusAt(now); st != StatusValid {
		return Credential{}, fmt.Errorf("reissue %s: it is %s", oldID, st)
	}
	holderName = strings.TrimSpace(holderName)
	k, err := s.keys.currentSigner(ctx, tx)
	if err != nil {
		return Credential{}, err
	}
	id, err := freshID(ctx, tx)
	if err != nil {
		return Credential{}, err
	}
	c := Credential{
		ID: id, UserID: old.UserID, HolderName: holderName, Tier: old.Tier, TierName: old.TierName,
		IssuedAt: now.Truncate(time.Second), ExpiresAt: old.ExpiresAt, Kid: k.kid,
		// The award and the renewal window are the original's: a corrected
		// name changes neither when it was earned nor when it runs out.
		AwardedAt: old.AwardedAt, RenewalOpensAt: old.RenewalOpensAt, GraceUntil: old.GraceUntil,
	}
	if c.Token, err = signToken(k, s.baseURL, &c); err != nil {
		return Credential{}, err
	}
	// attempt_id stays with the original row (it is unique); the reissue
	// points back through superseded_by.
	if _, err := tx.ExecContext(ctx, `INSERT INTO credentials (id, attempt_id, user_id, holder_name, tier_code, tier_name,
		issued_at, expires_at, kid, token, awarded_at, renewal_opens_at, grace_until) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.UserID, c.HolderName, c.Tier, c.TierName, c.IssuedAt, c.ExpiresAt, c.Kid, c.Token,
		c.AwardedAt, c.RenewalOpensAt, c.GraceUntil); err != nil {
		return Credential{}, fmt.Errorf("store reissued certificate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE credentials SET superseded_by = ? WHERE id = ? AND superseded_by IS NULL`, c.ID, old.ID); err != nil {
		return Credential{}, fmt.Errorf("supersede %s: %w", old.ID, err)
	}
	s.fill(&c, now)
	return c, nil
}
