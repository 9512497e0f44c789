package bank

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// What the exam side reads: the pool a form is drawn from, and the frozen
// versions an attempt shows and grades.

// PoolEntry is an active item's newest version, as much as a draw needs.
type PoolEntry struct {
	ID      string
	Version int
	Domain  Domain
	Group   string // enemy group of this version, "" for none
}

// DrawPool lists every active item drawable for tier, ordered by id, without
// loading item text: a draw from a 10,000-item bank reads only what it picks.
func (s *Store) DrawPool(ctx context.Context, tier string) ([]PoolEntry, error) {
	return s.DrawPoolIn(ctx, tier, English)
}

// DrawPoolIn is DrawPool keeping the items deliverable in lang: for a
// variant language, those whose newest version carries its variant. The
// check reads the translations column only for a variant language, so
// English starts pay nothing for it (on a 10,000-item bank reading it for
// every start cost half again the start's time).
func (s *Store) DrawPoolIn(ctx context.Context, tier, lang string) ([]PoolEntry, error) {
	q := `SELECT i.id, i.version, i.domain, i.grp FROM item_tiers t
			JOIN items i ON i.id = t.item_id
			WHERE t.tier_code = ? AND i.status = 'active' AND ` + visibleItem + ` ORDER BY t.item_id`
	args := []any{tier}
	if lang != English && lang != "" {
		if !ValidVariantLanguage(lang) {
			return nil, nil
		}
		q = `SELECT i.id, i.version, i.domain, i.grp FROM item_tiers t
			JOIN items i ON i.id = t.item_id
			JOIN item_versions v ON v.item_id = i.id AND v.version = i.version
			WHERE t.tier_code = ? AND i.status = 'active' AND ` + visibleItem + `
			AND ` + s.db.JSONHasKey("v.translations") + `
			ORDER BY t.item_id`
		args = append(args, lang)
	}
	var out []PoolEntry
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("draw pool: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e PoolEntry
			if err := rows.Scan(&e.ID, &e.Version, &e.Domain, &e.Group); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

// ItemVersions returns the given versions, keyed by ref, each with the
// item's current Status (so grading sees an item voided after the exam); a
// missing ref is ErrVersionNotFound.
func (s *Store) ItemVersions(ctx context.Context, refs []Ref) (map[Ref]*Item, error) {
	out := make(map[Ref]*Item, len(refs))
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `SELECT `+itemColumns+` FROM items i
			JOIN item_versions v ON v.item_id = i.id WHERE i.id = ? AND v.version = ? AND `+visibleItem)
		if err != nil {
			return fmt.Errorf("prepare item versions: %w", err)
		}
		defer stmt.Close()
		for _, r := range refs {
			if _, ok := out[r]; ok {
				continue
			}
			it, err := scanItem(stmt.QueryRowContext(ctx, r.ID, r.Version))
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("item %s version %d: %w", r.ID, r.Version, ErrVersionNotFound)
			}
			if err != nil {
				return err
			}
			out[r] = it
		}
		return nil
	})
	return out, err
}
