package bank

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
)

// Store keeps items and their versions in the database.
type Store struct {
	db    *db.DB
	clock clock.Clock
	// ActivationCheck, when set, is asked before an item becomes active (by
	// a status change, an edit of an active item or an import); an error
	// blocks it. The lint rules plug in here.
	ActivationCheck func(it *Item) error
}

// NewStore returns a Store on d.
func NewStore(d *db.DB, clk clock.Clock) *Store { return &Store{db: d, clock: clk} }

// Ref names one immutable version of an item.
type Ref struct {
	ID      string
	Version int
}

// Filter selects items for listing. Zero fields do not filter.
type Filter struct {
	Domain Domain
	Tier   string
	Status Status
	Topic  string
	Query  string // text search over id, stem and topic
	Limit  int
	Offset int
}

// MaxPage caps Filter.Limit.
const MaxPage = 500

const itemColumns = `i.id, v.version, i.status, v.domain, v.tiers, v.topic, v.type, v.stem,
	v.options, v.rationale, v.source, v.author, i.created_at, v.created_at,
	v.competency, v.grp, v.exhibit, v.numeric, v.translations`

type scanner interface{ Scan(...any) error }

func scanItem(r scanner) (*Item, error) {
	var it Item
	var tiers, opts, numeric, translations string
	if err := r.Scan(&it.ID, &it.Version, &it.Status, &it.Domain, &tiers, &it.Topic, &it.Type, &it.Stem,
		&opts, &it.Rationale, &it.Source, &it.Author, &it.CreatedAt, &it.UpdatedAt,
		&it.Competency, &it.Group, &it.Exhibit, &numeric, &translations); err != nil {
		return nil, err
	}
	if translations != "" && translations != "{}" {
		if err := json.Unmarshal([]byte(translations), &it.Translations); err != nil {
			return nil, fmt.Errorf("item %s translations: %w", it.ID, err)
		}
	}
	if numeric != "" {
		it.Numeric = new(NumericKey)
		if err := json.Unmarshal([]byte(numeric), it.Numeric); err != nil {
			return nil, fmt.Errorf("item %s numeric key: %w", it.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(tiers), &it.Tiers); err != nil {
		return nil, fmt.Errorf("item %s tiers: %w", it.ID, err)
	}
	if err := json.Unmarshal([]byte(opts), &it.Options); err != nil {
		return nil, fmt.Errorf("item %s options: %w", it.ID, err)
	}
	return &it, nil
}

// FindItemByID returns the newest version of an item.
func (s *Store) FindItemByID(ctx context.Context, id string) (*Item, error) {
	var it *Item
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		it, err = findItem(ctx, tx, id, 0)
		return err
	})
	return it, err
}

// FindItemVersion returns one version of an item (with its current status).
func (s *Store) FindItemVersion(ctx context.Context, id string, version int) (*Item, error) {
	var it *Item
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		it, err = findItem(ctx, tx, id, version)
		return err
	})
	return it, err
}

// findItem reads version (0: the newest) of item id.
func findItem(ctx context.Context, tx *sql.Tx, id string, version int) (*Item, error) {
	q := `SELECT ` + itemColumns + ` FROM items i JOIN item_versions v ON v.item_id = i.id AND v.version = `
	args := []any{id}
	if version > 0 {
		q += `? WHERE i.id = ? AND ` + visibleItem
		args = []any{version, id}
	} else {
		q += `i.version WHERE i.id = ? AND ` + visibleItem
	}
	it, err := scanItem(tx.QueryRowContext(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		if version > 0 {
			if _, err := findItem(ctx, tx, id, 0); err == nil {
				return nil, ErrVersionNotFound
			}
		}
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find item %s: %w", id, err)
	}
	return it, nil
}

// FindItems lists newest versions matching f, ordered by id, and the total
// number that match.
func (s *Store) FindItems(ctx context.Context, f Filter) ([]*Item, int, error) {
	where, args := []string{visibleItem}, []any{}
	if f.Domain != "" {
		where, args = append(where, "i.domain = ?"), append(args, f.Domain)
	}
	if f.Status != "" {
		where, args = append(where, "i.status = ?"), append(args, f.Status)
	}
	if f.Topic != "" {
		where, args = append(where, "i.topic = ?"), append(args, f.Topic)
	}
	if f.Tier != "" {
		where, args = append(where, "EXISTS (SELECT 1 FROM item_tiers t WHERE t.item_id = i.id AND t.tier_code = ?)"), append(args, f.Tier)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// lower() on both sides: SQLite's LIKE ignores ASCII case but
		// PostgreSQL's does not.
		like := "%" + escapeLike(q) + "%"
		where = append(where, `(lower(i.id) LIKE lower(?) ESCAPE '\' OR lower(i.stem) LIKE lower(?) ESCAPE '\' OR lower(i.topic) LIKE lower(?) ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxPage {
		limit = 50
	}
	cond := strings.Join(where, " AND ")
	var items []*Item
	var total int
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM items i WHERE `+cond, args...).Scan(&total); err != nil {
			return fmt.Errorf("count items: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+itemColumns+` FROM items i
			JOIN item_versions v ON v.item_id = i.id AND v.version = i.version
			WHERE `+cond+` ORDER BY i.id LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("list items: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			it, err := scanItem(rows)
			if err != nil {
				return err
			}
			items = append(items, it)
		}
		return rows.Err()
	})
	return items, total, err
}

// AllItems returns the newest version of every item, ordered by id (for
// export and whole-bank lint).
func (s *Store) AllItems(ctx context.Context) ([]*Item, error) {
	var out []*Item
	for off := 0; ; off += MaxPage {
		page, total, err := s.FindItems(ctx, Filter{Limit: MaxPage, Offset: off})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(out) >= total || len(page) == 0 {
			return out, nil
		}
	}
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// Versions returns every version of an item, oldest first.
func (s *Store) Versions(ctx context.Context, id string) ([]*Item, error) {
	var out []*Item
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+itemColumns+` FROM items i
			JOIN item_versions v ON v.item_id = i.id WHERE i.id = ? AND `+visibleItem+` ORDER BY v.version`, id)
		if err != nil {
			return fmt.Errorf("item versions: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			it, err := scanItem(rows)
			if err != nil {
				return err
			}
			out = append(out, it)
		}
		return rows.Err()
	})
	if err == nil && len(out) == 0 {
		return nil, ErrNotFound
	}
	return out, err
}

// Event is one entry of an item's history.
type Event struct {
	Version    int       `json:"version"`
	Action     string    `json:"action"`
	FromStatus Status    `json:"from_status,omitempty"`
	ToStatus   Status    `json:"to_status,omitempty"`
	Actor      string    `json:"actor"`
	At         time.Time `json:"at"`
	// Detail is JSON saying why an automatic change happened (empty for
	// people's changes).
	Detail string `json:"detail,omitempty"`
}

// Events returns an item's history, newest first.
func (s *Store) Events(ctx context.Context, id string) ([]Event, error) {
	var out []Event
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT version, action, from_status, to_status, actor, at, detail
			FROM item_events WHERE item_id = ?1 AND EXISTS (SELECT 1 FROM items i WHERE i.id = ?1 AND `+visibleItem+`)
			ORDER BY id DESC`, id)
		if err != nil {
			return fmt.Errorf("item events: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e Event
			if err := rows.Scan(&e.Version, &e.Action, &e.FromStatus, &e.ToStatus, &e.Actor, &e.At, &e.Detail); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

// CreateItem validates it, gives it an id when it has none, and stores it as
// version 1. it is updated with what was stored.
func (s *Store) CreateItem(ctx context.Context, it *Item, actor string) error {
	it.Normalize()
	if err := it.Validate(); err != nil {
		return err
	}
	if err := s.checkActivation(it); err != nil {
		return err
	}
	return s.db.Update(ctx, func(tx *sql.Tx) error {
		if it.ID == "" {
			id, err := freeID(ctx, tx, Slug(firstWords(it.Stem, 6)))
			if err != nil {
				return err
			}
			it.ID = id
		} else if exists, err := itemExists(ctx, tx, it.ID); err != nil {
			return err
		} else if exists {
			return ErrIDTaken
		}
		return insertItem(ctx, tx, it, s.clock.Now(), actor)
	})
}

func (s *Store) checkActivation(it *Item) error {
	if it.Status == Active && s.ActivationCheck != nil {
		return s.ActivationCheck(it)
	}
	return nil
}

func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) > n {
		w = w[:n]
	}
	return strings.Join(w, " ")
}

func itemExists(ctx context.Context, tx *sql.Tx, id string) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE id = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("check item id: %w", err)
	}
	return n > 0, nil
}

// freeID returns base, or base-2, base-3… whichever is not taken.
// It reads only the ids that could collide, then picks as an import does.
func freeID(ctx context.Context, tx *sql.Tx, base string) (string, error) {
	base = idBase(base)
	rows, err := tx.QueryContext(ctx, `SELECT id FROM items WHERE id = ? OR id LIKE ? ESCAPE '\'`, base, escapeLike(base)+"-%")
	if err != nil {
		return "", fmt.Errorf("read item ids: %w", err)
	}
	defer rows.Close()
	taken := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		taken[id] = true
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return freeIDIn(taken, base), nil
}

func insertItem(ctx context.Context, tx *sql.Tx, it *Item, now time.Time, actor string) error {
	it.Version = 1
	if it.CreatedAt.IsZero() {
		it.CreatedAt = now
	}
	it.UpdatedAt = now
	if it.Author == "" {
		it.Author = actor
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO items (id, version, status, domain, topic, type, stem, grp, created_at, updated_at)
		VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`, it.ID, it.Status, it.Domain, it.Topic, it.Type, it.Stem, it.Group, it.CreatedAt, now); err != nil {
		return fmt.Errorf("insert item %s: %w", it.ID, err)
	}
	if err := insertVersion(ctx, tx, it, true); err != nil {
		return err
	}
	return logEvent(ctx, tx, it.ID, it.Version, "create", "", it.Status, actor, now)
}

// insertVersion stores a version and makes its tiers the item's; fresh
// means the item is new and has no tier rows to replace.
func insertVersion(ctx context.Context, tx *sql.Tx, it *Item, fresh bool) error {
	tiers, _ := json.Marshal(it.Tiers)
	opts, _ := json.Marshal(it.Options)
	if it.Options == nil {
		opts = []byte("[]") // numeric items: no options, still a JSON array
	}
	numeric := ""
	if it.Numeric != nil {
		b, _ := json.Marshal(it.Numeric)
		numeric = string(b)
	}
	translations := []byte("{}")
	if len(it.Translations) > 0 {
		translations, _ = json.Marshal(it.Translations)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO item_versions
		(item_id, version, domain, tiers, topic, type, stem, options, rationale, source, author, created_at,
		 competency, grp, exhibit, numeric, translations)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ID, it.Version, it.Domain, string(tiers), it.Topic, it.Type, it.Stem, string(opts),
		it.Rationale, it.Source, it.Author, it.UpdatedAt,
		it.Competency, it.Group, it.Exhibit, numeric, string(translations)); err != nil {
		return fmt.Errorf("insert item %s version %d: %w", it.ID, it.Version, err)
	}
	if !fresh {
		if _, err := tx.ExecContext(ctx, `DELETE FROM item_tiers WHERE item_id = ?`, it.ID); err != nil {
			return fmt.Errorf("reset item tiers: %w", err)
		}
	}
	for _, t := range it.Tiers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO item_tiers (item_id, tier_code) VALUES (?, ?)`, it.ID, t); err != nil {
			return fmt.Errorf("insert item tier: %w", err)
		}
	}
	return nil
}

func logEvent(ctx context.Context, tx *sql.Tx, id string, version int, action string, from, to Status, actor string, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO item_events (item_id, version, action, from_status, to_status, actor, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, version, action, from, to, actor, at); err != nil {
		return fmt.Errorf("log item event: %w", err)
	}
	return nil
}

// UpdateItem stores it as a new version of an existing item. When
// it.Version is set it must be the newest version (optimistic locking: two
// authors editing at once do not overwrite each other). The status stays
// as it is; status changes go through SetStatus.
func (s *Store) UpdateItem(ctx context.Context, it *Item, actor string) error {
	it.Normalize()
	return s.db.Update(ctx, func(tx *sql.Tx) error {
		cur, err := findItem(ctx, tx, it.ID, 0)
		if err != nil {
			return err
		}
		if it.Version != 0 && it.Version != cur.Version {
			return ErrVersionConflict.With("current_version", cur.Version)
		}
		if cur.Status == Void {
			return apperr.New(apperr.Conflict, "item_void", "A void item cannot be edited; write a new item instead.")
		}
		it.Status = cur.Status
		if err := it.Validate(); err != nil {
			return err
		}
		if err := s.checkActivation(it); err != nil {
			return err
		}
		return updateItem(ctx, tx, cur, it, s.clock.Now(), actor)
	})
}

func updateItem(ctx context.Context, tx *sql.Tx, cur, it *Item, now time.Time, actor string) error {
	it.Version = cur.Version + 1
	it.CreatedAt = cur.CreatedAt
	it.UpdatedAt = now
	if it.Author == "" {
		it.Author = cur.Author
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET version = ?, domain = ?, topic = ?, type = ?, stem = ?, grp = ?, updated_at = ?
		WHERE id = ?`, it.Version, it.Domain, it.Topic, it.Type, it.Stem, it.Group, now, it.ID); err != nil {
		return fmt.Errorf("update item %s: %w", it.ID, err)
	}
	if err := insertVersion(ctx, tx, it, false); err != nil {
		return err
	}
	return logEvent(ctx, tx, it.ID, it.Version, "edit", "", "", actor, now)
}

// SetStatus moves an item through the workflow. Moves the workflow does not
// allow are ErrBadTransition; activation runs ActivationCheck first.
func (s *Store) SetStatus(ctx context.Context, id string, to Status, actor string) (*Item, error) {
	if !to.Valid() {
		return nil, apperr.Fielded(map[string]string{"status": "Use draft, review, active, retired or void."})
	}
	var it *Item
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		cur, err := findItem(ctx, tx, id, 0)
		if err != nil {
			return err
		}
		if cur.Status == to {
			it = cur
			return nil
		}
		if !CanMove(cur.Status, to) {
			return ErrBadTransition.With("from", cur.Status).With("to", to)
		}
		from := cur.Status
		cur.Status = to
		if err := cur.Validate(); err != nil {
			return err
		}
		if err := s.checkActivation(cur); err != nil {
			return err
		}
		now := s.clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE items SET status = ?, updated_at = ? WHERE id = ?`, to, now, id); err != nil {
			return fmt.Errorf("set status: %w", err)
		}
		it = cur
		return logEvent(ctx, tx, id, cur.Version, "status", from, to, actor, now)
	})
	return it, err
}

// Count is the number of items with one domain, tier and status.
type Count struct {
	Domain Domain `json:"domain"`
	Tier   string `json:"tier"`
	Status Status `json:"status"`
	N      int    `json:"n"`
}

// Counts returns item counts per domain, tier and status, for the bank page.
func (s *Store) Counts(ctx context.Context) ([]Count, error) {
	var out []Count
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT i.domain, t.tier_code, i.status, count(*)
			FROM items i JOIN item_tiers t ON t.item_id = i.id WHERE `+visibleItem+` GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
		if err != nil {
			return fmt.Errorf("count items: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c Count
			if err := rows.Scan(&c.Domain, &c.Tier, &c.Status, &c.N); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// Empty reports whether the bank has no items at all (for loading the
// default bank on first start).
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT count(*) FROM items i WHERE `+visibleItem).Scan(&n)
	return n == 0, err
}
