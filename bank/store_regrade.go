package bank

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/mopscert/mopscert/apperr"
)

// The bank side of a regrade runs inside the exam's write transaction, so
// the item change and the corrected results commit together or not at all.

// ActionRekey is the item event of a regrade that changed the key.
const ActionRekey = "rekey"

// FindItemTx returns the newest version of an item inside tx.
func (s *Store) FindItemTx(ctx context.Context, tx *sql.Tx, id string) (*Item, error) {
	return findItem(ctx, tx, id, 0)
}

// VoidTx makes an item void (from any status; void is final). Voiding a
// void item does nothing.
func (s *Store) VoidTx(ctx context.Context, tx *sql.Tx, id, actor string) error {
	cur, err := findItem(ctx, tx, id, 0)
	if err != nil {
		return err
	}
	if cur.Status == Void {
		return nil
	}
	now := s.clock.Now()
	if _, err := tx.ExecContext(ctx, `UPDATE items SET status = ?, updated_at = ? WHERE id = ?`, Void, now, id); err != nil {
		return fmt.Errorf("void item %s: %w", id, err)
	}
	return logEvent(ctx, tx, id, cur.Version, "status", cur.Status, Void, actor, now)
}

// RekeyTx writes a new version of an item whose options are the newest
// version's, with the authored indexes in correct marked correct, and
// returns the version it replaced and the new one. A key equal to the
// current one is refused: there is nothing to regrade.
func (s *Store) RekeyTx(ctx context.Context, tx *sql.Tx, id string, correct []int, actor string) (old, next *Item, err error) {
	cur, err := findItem(ctx, tx, id, 0)
	if err != nil {
		return nil, nil, err
	}
	if cur.Status == Void {
		return nil, nil, apperr.New(apperr.Conflict, "item_void", "A void item cannot be re-keyed.")
	}
	for _, c := range correct {
		if c < 0 || c >= len(cur.Options) {
			return nil, nil, RekeyRangeError(len(cur.Options) - 1)
		}
	}
	if slices.Equal(slices.Sorted(slices.Values(correct)), cur.Correct()) {
		return nil, nil, RekeyUnchangedError()
	}
	n := *cur
	n.Options = slices.Clone(cur.Options)
	for i := range n.Options {
		n.Options[i].Correct = slices.Contains(correct, i)
	}
	if err := n.Validate(); err != nil {
		return nil, nil, err
	}
	if err := updateItem(ctx, tx, cur, &n, s.clock.Now(), actor); err != nil {
		return nil, nil, err
	}
	return cur, &n, nil
}

// RekeyRangeError is the field error of a rekey naming an option index past
// max; exam's dry run gives the same.
func RekeyRangeError(max int) error {
	return codeRekeyRange.Msg("Option indexes run from 0 to %d.", max).On("correct")
}

// RekeyUnchangedError is the field error of a rekey to the key the item has.
func RekeyUnchangedError() error {
	return codeRekeyUnchanged.Msg("That is the item's key already.").On("correct")
}
