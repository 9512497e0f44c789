package cert

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mopscert/mopscert/apperr"
)

// ErrNotRenewable: the credential an attempt renews can no longer be renewed
// (revoked, already renewed, lapsed, or someone else's).
var ErrNotRenewable = apperr.New(apperr.Conflict, "not_renewable", "This certificate can no longer be renewed.")

// awardedAt is the awardedDate of a new credential: a renewal keeps its
// predecessor's; otherwise the holder's earliest unrevoked award of the tier
// (a re-certification after a lapse still shows when the tier was first
// earned), or now. A renewal's validity runs from the old expiry when it is
// renewed early, so renewing never costs the holder time.
func awardedAt(ctx context.Context, tx *sql.Tx, req IssueRequest, issued time.Time, expires *time.Time) (time.Time, error) {
	if req.Renews != "" {
		old, err := findWhere(ctx, tx, `id = ?`, req.Renews)
		if errors.Is(err, ErrNotFound) {
			return time.Time{}, ErrNotRenewable
		}
		if err != nil {
			return time.Time{}, err
		}
		if old.UserID != req.UserID || old.Tier != req.Tier || old.RevokedAt != nil || old.SupersededBy != "" {
			return time.Time{}, ErrNotRenewable
		}
		if old.ExpiresAt.After(issued) {
			*expires = old.ExpiresAt.Add(req.ValidFor).Truncate(time.Second)
		}
		return old.AwardedAt, nil
	}
	var first sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT awarded_at FROM credentials
		WHERE user_id = ? AND tier_code = ? AND revoked_at IS NULL AND awarded_at IS NOT NULL
		ORDER BY awarded_at LIMIT 1`, req.UserID, req.Tier).Scan(&first)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("read first award: %w", err)
	}
	if first.Valid && first.Time.Before(issued) {
		return first.Time.UTC(), nil
	}
	return issued, nil
}

// supersede marks the renewed credential as replaced by id.
func supersede(ctx context.Context, tx *sql.Tx, req IssueRequest, id string) error {
	if req.Renews == "" {
		return nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE credentials SET superseded_by = ?
		WHERE id = ? AND superseded_by IS NULL AND revoked_at IS NULL`, id, req.Renews)
	if err != nil {
		return fmt.Errorf("supersede %s: %w", req.Renews, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ErrNotRenewable
	}
	return nil
}
