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
	"github.com/mopscert/mopscert/db"
)

// Staging: an import writes in short chunks and becomes visible in one
// short transaction (see the 00013 migration). New items go straight into
// the bank's tables, hidden while their imports row exists; new versions of
// existing items wait in import_staging. Each chunk and the publish go
// through the group commit (db.Batch), whose queue is first come first
// served: an autosave that arrives during a chunk waits for that chunk only,
// never for the whole import.

// visibleItem is the condition every reader of items i puts on it: the item
// is not held hidden by an import still running.
const visibleItem = `(i.import_id IS NULL OR NOT EXISTS (SELECT 1 FROM imports x WHERE x.id = i.import_id))`

// stageChunk is how many rows one staging transaction writes: a few
// milliseconds of the writer.
var stageChunk = 200

// cleanChunk is how many staged rows one cleanup transaction deletes.
const cleanChunk = 2000

// StaleImport is how long an import may go without staging a chunk before
// it counts as dead (its process crashed) and its rows are removed. A live
// import stages a chunk every few milliseconds.
const StaleImport = 2 * time.Minute

// ErrImportConflict is a publish that found one of the import's items
// created, edited or voided by another change after the import read the
// bank. Nothing was imported; running the import again plans afresh.
var ErrImportConflict = apperr.New(apperr.Conflict, "import_conflict",
	"Another change created or edited items of this import while it ran; nothing was imported. Run the import again.")

// ErrImportAbandoned is an import whose staging was removed as stale
// before it could publish.
var ErrImportAbandoned = apperr.New(apperr.Conflict, "import_abandoned",
	"The import took too long and was abandoned; nothing was imported. Run it again.")

// stageAndPublish stages rows under a new import id and publishes them. On
// any failure it removes its own staging; a process that dies instead leaves
// it to CleanImports.
func (s *Store) stageAndPublish(ctx context.Context, rows []stagedRow, total int, opt ImportOptions) error {
	// Leftovers of imports that died are removed first, so they never
	// pile up on a server that is seldom restarted.
	if err := s.CleanImports(ctx); err != nil {
		return err
	}
	id := db.NewID("imp")
	err := s.stage(ctx, id, rows, total, opt)
	if err == nil {
		err = s.publish(ctx, id, opt.Actor, rows)
	}
	// Tidying up must not depend on a request context that may be cancelled.
	clean := context.WithoutCancel(ctx)
	if err != nil {
		if derr := s.dropImport(clean, id); derr != nil {
			err = errors.Join(err, derr)
		}
		return err
	}
	// Published: what is left is bookkeeping, invisible either way.
	return s.settleImport(clean, id)
}

func (s *Store) stage(ctx context.Context, id string, rows []stagedRow, total int, opt ImportOptions) error {
	now := s.clock.Now()
	if err := s.db.Batch(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO imports (id, actor, started_at, touched_at) VALUES (?, ?, ?, ?)`, id, opt.Actor, now, now)
		return err
	}); err != nil {
		return fmt.Errorf("start import: %w", err)
	}
	for lo := 0; lo < len(rows); lo += stageChunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk := rows[lo:min(lo+stageChunk, len(rows))]
		if err := s.db.Batch(ctx, func(tx *sql.Tx) error { return stageChunkTx(ctx, tx, id, opt.Actor, lo, chunk, s.clock.Now()) }); err != nil {
			return err
		}
		// Outside any transaction: a caller's callback never holds the writer.
		if opt.Progress != nil {
			opt.Progress(chunk[len(chunk)-1].done, total)
		}
	}
	return nil
}

// stageChunkTx writes one chunk and touches the import, failing if a
// cleanup removed it as stale meanwhile.
func stageChunkTx(ctx context.Context, tx *sql.Tx, id, actor string, seq0 int, chunk []stagedRow, now time.Time) error {
	r, err := tx.ExecContext(ctx, `UPDATE imports SET touched_at = ? WHERE id = ? AND state = 'staging'`, now, id)
	if err != nil {
		return fmt.Errorf("touch import: %w", err)
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return ErrImportAbandoned
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO import_staging
		(import_id, seq, item_id, version, base, last, status, domain, tiers, topic, type, stem, options,
		 rationale, source, author, competency, grp, exhibit, numeric, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("stage import: %w", err)
	}
	defer stmt.Close()
	for i := range chunk {
		it := &chunk[i].it
		if chunk[i].fresh {
			if err := writeHidden(ctx, tx, id, actor, &chunk[i]); err != nil {
				return err
			}
			continue
		}
		tiers, opts, numeric := versionJSON(it)
		if _, err := stmt.ExecContext(ctx, id, seq0+i, it.ID, it.Version, chunk[i].base, chunk[i].last,
			it.Status, it.Domain, tiers, it.Topic, it.Type, it.Stem, opts,
			it.Rationale, it.Source, it.Author, it.Competency, it.Group, it.Exhibit, numeric,
			it.CreatedAt, it.UpdatedAt); err != nil {
			return fmt.Errorf("stage item %s: %w", it.ID, err)
		}
	}
	return nil
}

// writeHidden writes a version of a new item into the bank's tables, held
// hidden by import id: the item row with its first version, then like an
// edit for a later version in the same file.
func writeHidden(ctx context.Context, tx *sql.Tx, id, actor string, r *stagedRow) error {
	it := &r.it
	if r.base == 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO items (id, version, status, domain, topic, type, stem, grp, created_at, updated_at, import_id)
			VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, it.ID, it.Status, it.Domain, it.Topic, it.Type, it.Stem, it.Group,
			it.CreatedAt, it.UpdatedAt, id); err != nil {
			if db.IsUniqueViolation(err) { // another import holds this id, or created it meanwhile
				return ErrImportConflict.With("items", []string{it.ID})
			}
			return fmt.Errorf("insert item %s: %w", it.ID, err)
		}
		if err := insertVersion(ctx, tx, it, true); err != nil {
			return err
		}
		return logEvent(ctx, tx, it.ID, it.Version, "create", "", it.Status, actor, it.UpdatedAt)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET version = ?, domain = ?, topic = ?, type = ?, stem = ?, grp = ?, updated_at = ?
		WHERE id = ? AND import_id = ?`, it.Version, it.Domain, it.Topic, it.Type, it.Stem, it.Group, it.UpdatedAt, it.ID, id); err != nil {
		return fmt.Errorf("update item %s: %w", it.ID, err)
	}
	if err := insertVersion(ctx, tx, it, false); err != nil {
		return err
	}
	return logEvent(ctx, tx, it.ID, it.Version, "edit", "", "", actor, it.UpdatedAt)
}

// publish makes an import visible, all of it at once, in one short
// transaction: it re-checks the plan of its edits against the bank as it is
// now, copies the staged edits over, and deletes its imports row, which
// unhides its new items however many there are.
func (s *Store) publish(ctx context.Context, id, actor string, rows []stagedRow) error {
	return s.db.Batch(ctx, func(tx *sql.Tx) error {
		if err := publishTx(ctx, tx, id, actor); err != nil {
			return err
		}
		return publishTranslations(ctx, tx, rows)
	})
}

// publishTranslations writes the translations of the staged versions,
// which import_staging has no column for, from the rows still in memory:
// in the publish transaction, one short update per translated version.
func publishTranslations(ctx context.Context, tx *sql.Tx, rows []stagedRow) error {
	for i := range rows {
		it := &rows[i].it
		if rows[i].fresh || len(it.Translations) == 0 {
			continue // new items were written whole, with their translations
		}
		tr, _ := json.Marshal(it.Translations)
		if _, err := tx.ExecContext(ctx, `UPDATE item_versions SET translations = ? WHERE item_id = ? AND version = ?`,
			string(tr), it.ID, it.Version); err != nil {
			return fmt.Errorf("publish import: translations of %s: %w", it.ID, err)
		}
	}
	return nil
}

func publishTx(ctx context.Context, tx *sql.Tx, id, actor string) error {
	r, err := tx.ExecContext(ctx, `DELETE FROM imports WHERE id = ? AND state = 'staging'`, id)
	if err != nil {
		return fmt.Errorf("publish import: %w", err)
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return ErrImportAbandoned
	}
	if err := checkStaged(ctx, tx, id); err != nil {
		return err
	}
	// Each step takes the import id as ?1; only the events also name the
	// actor (PostgreSQL refuses an argument a statement does not use).
	steps := []struct{ what, q string }{
		{"items", `INSERT INTO items (id, version, status, domain, topic, type, stem, grp, created_at, updated_at)
			SELECT item_id, version, status, domain, topic, type, stem, grp, created_at, updated_at
			FROM import_staging WHERE import_id = ?1 AND last = 1
			ON CONFLICT (id) DO UPDATE SET version = excluded.version, domain = excluded.domain,
				topic = excluded.topic, type = excluded.type, stem = excluded.stem, grp = excluded.grp,
				updated_at = excluded.updated_at`},
		{"versions", `INSERT INTO item_versions
			(item_id, version, domain, tiers, topic, type, stem, options, rationale, source, author, created_at,
			 competency, grp, exhibit, numeric)
			SELECT item_id, version, domain, tiers, topic, type, stem, options, rationale, source, author, updated_at,
			 competency, grp, exhibit, numeric
			FROM import_staging WHERE import_id = ?1 ORDER BY seq`},
		{"old tiers", `DELETE FROM item_tiers WHERE item_id IN
			(SELECT item_id FROM import_staging WHERE import_id = ?1 AND base > 0)`},
		{"events", `INSERT INTO item_events (item_id, version, action, from_status, to_status, actor, at)
			SELECT item_id, version, CASE base WHEN 0 THEN 'create' ELSE 'edit' END, '',
				CASE base WHEN 0 THEN status ELSE '' END, ?2, updated_at
			FROM import_staging WHERE import_id = ?1 ORDER BY seq`},
	}
	for _, st := range steps {
		args := []any{id}
		if strings.Contains(st.q, "?2") {
			args = append(args, actor)
		}
		if _, err := tx.ExecContext(ctx, st.q, args...); err != nil {
			return fmt.Errorf("publish import: %s: %w", st.what, err)
		}
		if st.what == "old tiers" {
			if err := publishTiers(ctx, tx, id); err != nil {
				return fmt.Errorf("publish import: tiers: %w", err)
			}
		}
	}
	return nil
}

// publishTiers writes the tier rows of the staged last versions. The tiers
// are a JSON array in the staged row; they are unpacked here rather than by
// the database so that the SQL is the same on both stores.
func publishTiers(ctx context.Context, tx *sql.Tx, id string) error {
	rows, err := tx.QueryContext(ctx, `SELECT item_id, tiers FROM import_staging WHERE import_id = ? AND last = 1`, id)
	if err != nil {
		return err
	}
	var args []any
	for rows.Next() {
		var item, raw string
		if err := rows.Scan(&item, &raw); err != nil {
			rows.Close()
			return err
		}
		var tiers []string
		if err := json.Unmarshal([]byte(raw), &tiers); err != nil {
			rows.Close()
			return fmt.Errorf("staged tiers of %s: %w", item, err)
		}
		for _, t := range tiers {
			args = append(args, item, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Several hundred rows a statement keeps the count of parameters far
	// below either engine's limit.
	const perStmt = 400
	for len(args) > 0 {
		n := min(len(args), 2*perStmt)
		q := `INSERT INTO item_tiers (item_id, tier_code) VALUES (?, ?)` + strings.Repeat(", (?, ?)", n/2-1)
		if _, err := tx.ExecContext(ctx, q, args[:n]...); err != nil {
			return err
		}
		args = args[n:]
	}
	return nil
}

// checkStaged refuses the publish when the bank moved under the plan: an
// item edited or voided since the import read it, or created meanwhile by
// an editor (who cannot see ids held hidden).
func checkStaged(ctx context.Context, tx *sql.Tx, id string) error {
	rows, err := tx.QueryContext(ctx, `SELECT s.item_id FROM import_staging s JOIN items i ON i.id = s.item_id
		WHERE s.import_id = ? AND s.base >= 0 AND (s.base = 0 OR i.version <> s.base OR i.status = 'void')
		ORDER BY s.item_id LIMIT 20`, id)
	if err != nil {
		return fmt.Errorf("check import: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var item string
		if err := rows.Scan(&item); err != nil {
			return err
		}
		ids = append(ids, item)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ids) > 0 {
		return ErrImportConflict.With("items", ids)
	}
	return nil
}

// dropImport removes an import that will not publish: it is marked
// dropping first (so it can never publish a part), then its hidden items
// (their versions, tiers and events go by cascade) and staged rows are
// deleted in chunks, then its row.
func (s *Store) dropImport(ctx context.Context, id string) error {
	if err := s.db.Batch(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE imports SET state = 'dropping' WHERE id = ?`, id)
		return err
	}); err != nil {
		return fmt.Errorf("drop import %s: %w", id, err)
	}
	if err := s.inChunks(ctx, `DELETE FROM items WHERE id IN
		(SELECT id FROM items WHERE import_id = ?1 LIMIT ?2)`, id, stageChunk); err != nil {
		return fmt.Errorf("drop import %s: %w", id, err)
	}
	if err := s.inChunks(ctx, `DELETE FROM import_staging WHERE import_id = ?1 AND seq IN
		(SELECT seq FROM import_staging WHERE import_id = ?1 LIMIT ?2)`, id, cleanChunk); err != nil {
		return fmt.Errorf("drop import %s: %w", id, err)
	}
	return s.db.Batch(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM imports WHERE id = ?`, id)
		return err
	})
}

// settleImport tidies a published import: its items no longer need their
// import id (so readers skip the check), its staged rows are done.
func (s *Store) settleImport(ctx context.Context, id string) error {
	if err := s.inChunks(ctx, `UPDATE items SET import_id = NULL WHERE id IN
		(SELECT id FROM items WHERE import_id = ?1 LIMIT ?2)`, id, cleanChunk); err != nil {
		return fmt.Errorf("settle import %s: %w", id, err)
	}
	if err := s.inChunks(ctx, `DELETE FROM import_staging WHERE import_id = ?1 AND seq IN
		(SELECT seq FROM import_staging WHERE import_id = ?1 LIMIT ?2)`, id, cleanChunk); err != nil {
		return fmt.Errorf("settle import %s: %w", id, err)
	}
	return nil
}

// inChunks runs q (taking id and a limit) in one short transaction after
// another until it touches fewer rows than the limit.
func (s *Store) inChunks(ctx context.Context, q, id string, limit int) error {
	for {
		var n int64
		err := s.db.Batch(ctx, func(tx *sql.Tx) error {
			r, err := tx.ExecContext(ctx, q, id, limit)
			if err != nil {
				return err
			}
			n, err = r.RowsAffected()
			return err
		})
		if err != nil || n < int64(limit) {
			return err
		}
	}
}

// CleanImports removes what dead imports left behind: imports untouched for
// StaleImport (or left dropping), and the bookkeeping of published ones
// whose process died before tidying. Leftovers are never visible, so this
// only frees space and ids; the server runs it at start and every import
// runs it first.
func (s *Store) CleanImports(ctx context.Context) error {
	cutoff := s.clock.Now().Add(-StaleImport)
	var dead, settle []string
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		if dead, err = columnStrings(ctx, tx, `SELECT id FROM imports WHERE state = 'dropping' OR touched_at < ?`, cutoff); err != nil {
			return err
		}
		settle, err = columnStrings(ctx, tx, `SELECT DISTINCT import_id FROM items WHERE import_id IS NOT NULL
			AND import_id NOT IN (SELECT id FROM imports)
			UNION SELECT DISTINCT import_id FROM import_staging WHERE import_id NOT IN (SELECT id FROM imports)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("clean imports: %w", err)
	}
	var errs []error
	for _, id := range dead {
		// Only if still stale when marked: an import may have moved on.
		var marked int64
		err := s.db.Batch(ctx, func(tx *sql.Tx) error {
			r, err := tx.ExecContext(ctx, `UPDATE imports SET state = 'dropping' WHERE id = ? AND (state = 'dropping' OR touched_at < ?)`, id, cutoff)
			if err == nil {
				marked, err = r.RowsAffected()
			}
			return err
		})
		if err == nil && marked == 1 {
			err = s.dropImport(ctx, id)
		}
		errs = append(errs, err)
	}
	for _, id := range settle {
		errs = append(errs, s.settleImport(ctx, id))
	}
	return errors.Join(errs...)
}

// columnStrings reads one column of text.
func columnStrings(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// versionJSON is how a version's lists are stored: JSON text, options an
// array even when empty (numeric items), numeric "" when there is none.
func versionJSON(it *Item) (tiers, opts, numeric string) {
	t, _ := json.Marshal(it.Tiers)
	if it.Tiers == nil {
		t = []byte("[]") // json_each('null') would give one NULL tier
	}
	o, _ := json.Marshal(it.Options)
	if it.Options == nil {
		o = []byte("[]")
	}
	if it.Numeric != nil {
		b, _ := json.Marshal(it.Numeric)
		numeric = string(b)
	}
	return string(t), string(o), numeric
}
