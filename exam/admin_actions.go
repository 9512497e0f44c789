package exam

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/audit"
	"github.com/mopscert/mopscert/mail"
)

// ErrAttemptCancelled: an admin closed the attempt without grading it.
var ErrAttemptCancelled = apperr.New(apperr.Conflict, "attempt_cancelled", "This attempt was cancelled by an administrator and has no result.")

// errNotOpen: only a running attempt can be cancelled.
var errNotOpen = apperr.New(apperr.Conflict, "attempt_not_in_progress", "Only an attempt in progress can be cancelled.")

// CancelAttempt closes an attempt in progress without grading it: it has no
// result, does not count for retake waits or attempt caps, and the
// candidate may start again at once. Audited and the candidate is told.
// With userID set, another person's attempt is ErrNotFound.
func (s *Service) CancelAttempt(ctx context.Context, userID, attemptID, actor, reason string) error {
	reason, err := audit.CheckReason(reason)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.Update(ctx, func(tx *sql.Tx) error {
		a, err := findAttempt(ctx, tx, userID, attemptID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE attempts SET status = ?, submitted_at = ? WHERE id = ? AND status = ?`,
			StatusExpired, now, a.ID, StatusInProgress)
		if err != nil {
			return fmt.Errorf("cancel attempt %s: %w", a.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errNotOpen
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO attempt_cancellations (attempt_id, actor, reason, at) VALUES (?, ?, ?, ?)`,
			a.ID, actor, reason, now); err != nil {
			return fmt.Errorf("cancel attempt %s: %w", a.ID, err)
		}
		t, err := findTier(ctx, tx, a.Tier)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Action{Actor: actor, TargetID: a.UserID, Action: audit.AttemptCancelled,
			Reason: reason, Detail: map[string]any{"attempt_id": a.ID, "tier": a.Tier}, At: now}); err != nil {
			return err
		}
		return mail.Enqueue(ctx, tx, now, mail.Notice{UserID: a.UserID, Kind: mail.KindAttemptCancelled,
			Args: mail.Args{"name": a.HolderName, "tier_name": t.Name}})
	})
}

// WaiveRetakeWait lets a candidate start tier again now: attempts started
// before the waiver no longer count for the retake wait or the attempt cap.
func (s *Service) WaiveRetakeWait(ctx context.Context, userID, tierCode, actor, reason string) error {
	reason, err := audit.CheckReason(reason)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.Update(ctx, func(tx *sql.Tx) error {
		t, err := findTier(ctx, tx, tierCode)
		if err != nil {
			return err
		}
		var name string
		err = tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, userID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "user_not_found", "No user has that id.")
		}
		if err != nil {
			return fmt.Errorf("waive retake wait: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO retake_waivers (user_id, tier_code, waived_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id, tier_code) DO UPDATE SET waived_at = excluded.waived_at`, userID, t.Code, now); err != nil {
			return fmt.Errorf("waive retake wait: %w", err)
		}
		if err := audit.Record(ctx, tx, audit.Action{Actor: actor, TargetID: userID, Action: audit.RetakeWaived,
			Reason: reason, Detail: map[string]any{"tier": t.Code}, At: now}); err != nil {
			return err
		}
		return mail.Enqueue(ctx, tx, now, mail.Notice{UserID: userID, Kind: mail.KindRetakeWaitWaived,
			Args: mail.Args{"name": name, "tier_name": t.Name}})
	})
}
