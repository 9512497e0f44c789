package exam

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ResponseRow is one scored question of a graded attempt, for export.
type ResponseRow struct {
	AttemptID   string
	SubmittedAt time.Time
	Position    int
	ItemID      string
	Version     int
	Authored    []int    // authored option indexes chosen
	Score       *float64 // nil for a void item or an attempt graded before scores were stored
	Synthetic   bool     // the candidate is a simulator's
}

// Responses calls fn for every question of every graded attempt of the
// tier, in submit order, streaming (the matrix of a large tier does not fit
// in one response buffer).
func (s *Service) Responses(ctx context.Context, tier string, fn func(ResponseRow) error) error {
	return s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT a.id, a.submitted_at, q.position, q.item_id, q.item_version,
				coalesce(n.authored, '[]'), q.score, u.email LIKE ?
			FROM attempts a
			JOIN users u ON u.id = a.user_id
			JOIN attempt_questions q ON q.attempt_id = a.id
			LEFT JOIN answers n ON n.attempt_id = q.attempt_id AND n.question_id = q.question_id
			WHERE a.tier_code = ? AND a.outcome IS NOT NULL
			ORDER BY a.submitted_at, a.id, q.position`, "%"+SyntheticDomain, tier)
		if err != nil {
			return fmt.Errorf("export responses of %s: %w", tier, err)
		}
		defer rows.Close()
		for rows.Next() {
			var r ResponseRow
			var authored []byte
			var score sql.NullFloat64
			if err := rows.Scan(&r.AttemptID, &r.SubmittedAt, &r.Position, &r.ItemID, &r.Version, &authored, &score, &r.Synthetic); err != nil {
				return fmt.Errorf("export responses of %s: %w", tier, err)
			}
			r.Authored = parseInts(authored)
			if score.Valid {
				r.Score = &score.Float64
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}
