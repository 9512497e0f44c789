package bank

import (
	"context"
	"database/sql"
	"fmt"
)

// ActionAutoReview is the item event of a move to review by the statistics
// policy.
const ActionAutoReview = "auto_review"

// AutoReview moves an active item to review on behalf of an automatic
// policy, recording detail (JSON: the figures that caused it) in the item's
// history. It does nothing, and reports false, unless version is still the
// item's newest and the item is active, or when this version was moved by
// the policy before: an admin who restored it has decided, and the policy
// does not overrule that decision on the same evidence.
func (s *Store) AutoReview(ctx context.Context, id string, version int, actor, detail string) (bool, error) {
	moved := false
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		var cur int
		var st Status
		err := tx.QueryRowContext(ctx, `SELECT version, status FROM items WHERE id = ?`, id).Scan(&cur, &st)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("auto review %s: %w", id, err)
		}
		if cur != version || st != Active {
			return nil
		}
		var before int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM item_events WHERE item_id = ? AND version = ? AND action = ?`,
			id, version, ActionAutoReview).Scan(&before); err != nil {
			return fmt.Errorf("auto review %s: %w", id, err)
		}
		if before > 0 {
			return nil
		}
		now := s.clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE items SET status = ?, updated_at = ? WHERE id = ?`, Review, now, id); err != nil {
			return fmt.Errorf("auto review %s: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO item_events (item_id, version, action, from_status, to_status, actor, at, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, version, ActionAutoReview, Active, Review, actor, now, detail); err != nil {
			return fmt.Errorf("auto review %s: log event: %w", id, err)
		}
		moved = true
		return nil
	})
	return moved, err
}
