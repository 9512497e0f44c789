package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// The audit side of regrades: every applied regrade is a regrades row whose
// detail is the full record (who, when, why, policy, per-attempt old and
// new), with one regrade_attempts row per changed attempt for the
// candidate's note. Rows are never updated after the transaction that
// wrote them, nor deleted.

// Regrades lists applied regrades, newest first.
func (s *Service) Regrades(ctx context.Context) ([]*Regrade, error) {
	out := []*Regrade{}
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, detail FROM regrades WHERE request_hash IS NOT NULL ORDER BY id DESC`)
		if err != nil {
			return fmt.Errorf("list regrades: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var detail string
			if err := rows.Scan(&id, &detail); err != nil {
				return fmt.Errorf("list regrades: %w", err)
			}
			r, err := decodeRegrade(id, detail)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// regradeByHash returns the applied regrade of a request, or nil.
func (s *Service) regradeByHash(ctx context.Context, hash string) (*Regrade, error) {
	var r *Regrade
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = findRegrade(ctx, tx, `request_hash = ?`, hash)
		return err
	})
	return r, err
}

// findRegrade returns the regrade matching cond, or nil.
func findRegrade(ctx context.Context, tx *sql.Tx, cond string, args ...any) (*Regrade, error) {
	var id int64
	var detail string
	err := tx.QueryRowContext(ctx, `SELECT id, detail FROM regrades WHERE `+cond, args...).Scan(&id, &detail)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find regrade: %w", err)
	}
	return decodeRegrade(id, detail)
}

func decodeRegrade(id int64, detail string) (*Regrade, error) {
	var r Regrade
	if err := json.Unmarshal([]byte(detail), &r); err != nil {
		return nil, fmt.Errorf("regrade %d detail: %w", id, err)
	}
	r.ID = strconv.FormatInt(id, 10)
	return &r, nil
}

// regradeNotes lists what regrades did to an attempt, oldest first.
func regradeNotes(ctx context.Context, tx *sql.Tx, attemptID string) ([]RegradeNote, error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.at, r.action, x.old_percent, x.new_percent, x.old_outcome,
		x.new_outcome, x.kept_pass FROM regrade_attempts x JOIN regrades r ON r.id = x.regrade_id
		WHERE x.attempt_id = ? ORDER BY r.id`, attemptID)
	if err != nil {
		return nil, fmt.Errorf("regrade notes of %s: %w", attemptID, err)
	}
	defer rows.Close()
	var out []RegradeNote
	for rows.Next() {
		var n RegradeNote
		if err := rows.Scan(&n.At, &n.Action, &n.OldPercent, &n.NewPercent, &n.OldOutcome, &n.NewOutcome, &n.KeptPass); err != nil {
			return nil, fmt.Errorf("regrade notes of %s: %w", attemptID, err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
