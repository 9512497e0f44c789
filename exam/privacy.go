package exam

import (
	"context"
	"database/sql"
	"fmt"
)

// ScrubPersonTx removes personal data from exam tables when a person is
// anonymized: the name copied onto attempts and the free-text note on an
// accommodation (which may describe a disability). Scores stay, without a
// name, for the item statistics.
func ScrubPersonTx(ctx context.Context, tx *sql.Tx, userID string) error {
	for _, q := range []string{
		`UPDATE attempts SET holder_name = '' WHERE user_id = ?`,
		`UPDATE accommodations SET note = '' WHERE user_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, userID); err != nil {
			return fmt.Errorf("scrub %s: %w", userID, err)
		}
	}
	return nil
}
