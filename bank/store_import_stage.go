package bank

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/db"
)

// Staging: an import writes its rows into import_staging in short chunks
// and makes them visible in one short transaction (see the 00013
// migration). Each chunk and the publish go through the group commit
// (db.Batch), whose queue is first come first served: an autosave that
// arrives during a chunk waits for that chunk only, never for the import.

// stageChunk is how many rows one staging transaction writes: about 10 ms
// of the writer on the project's machine.
var stageChunk = 500

// cleanChunk is how many staged rows one cleanup transaction deletes.
const cleanChunk = 2000

// StaleImport is how long an import may go without staging a chunk before
// it counts as dead (its process crashed) and its staging is removed. A
// live import stages a chunk every few milliseconds.
const StaleImport = 10 * time.Minute

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
		err = s.publish(ctx, id, opt.Actor)
	}
	// Whatever happened, the staged rows are of no more use; removing them
	// must not depend on a request context that may be cancelled.
	clean := context.WithoutCancel(ctx)
	if cerr := s.dropImport(clean, id); cerr != nil && err == nil {
		err = cerr
	}
	return err
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
		if err := s.db.Batch(ctx, func(tx *sql.Tx) error { return stageChunkTx(ctx, tx, id, lo, chunk, s.clock.Now()) }); err != nil {
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
func stageChunkTx(ctx context.Context, tx *sql.Tx, id string, seq0 int, chunk []stagedRow, now time.Time) error {
	r, err := tx.ExecContext(ctx, `UPDATE imports SET touched_at = ? WHERE id = ?`, now, id)
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

// publish makes a staged import visible, all of it at once, in one
// transaction of a few statements: it re-checks the plan against the bank
// as it is now, then copies the rows over. Its imports row goes with it;
// the staged rows are deleted afterwards, in chunks.
func (s *Store) publish(ctx context.Context, id, actor string) error {
	return s.db.Batch(ctx, func(tx *sql.Tx) error { return publishTx(ctx, tx, id, actor) })
}

func publishTx(ctx context.Context, tx *sql.Tx, id, actor string) error {
	r, err := tx.ExecContext(ctx, `DELETE FROM imports WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("publish import: %w", err)
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return ErrImportAbandoned
	}
	if err := checkStaged(ctx, tx, id); err != nil {
		return err
	}
	steps := []struct{ what, q string }{
		{"items", `INSERT INTO items (id, version, status, domain, topic, type, stem, grp, created_at, updated_at)
			SELECT item_id, version, status, domain, topic, type, stem, grp, created_at, updated_at
			FROM import_staging WHERE import_id = ?1 AND last
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
		{"tiers", `INSERT INTO item_tiers (item_id, tier_code)
			SELECT s.item_id, j.value FROM import_staging s, json_each(s.tiers) j WHERE s.import_id = ?1 AND s.last`},
		{"events", `INSERT INTO item_events (item_id, version, action, from_status, to_status, actor, at)
			SELECT item_id, version, CASE base WHEN 0 THEN 'create' ELSE 'edit' END, '',
				CASE base WHEN 0 THEN status ELSE '' END, ?2, updated_at
			FROM import_staging WHERE import_id = ?1 ORDER BY seq`},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.q, id, actor); err != nil {
			return fmt.Errorf("publish import: %s: %w", st.what, err)
		}
	}
	return nil
}

// checkStaged refuses the publish when the bank moved under the plan: a new
// id another change created meanwhile (another import, an editor), or an
// item edited or voided since the import read it.
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

// dropImport removes an import's row and its staged rows, in chunks so a
// large one never holds the writer for long.
func (s *Store) dropImport(ctx context.Context, id string) error {
	if err := s.db.Batch(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM imports WHERE id = ?`, id)
		return err
	}); err != nil {
		return fmt.Errorf("drop import %s: %w", id, err)
	}
	for {
		var n int64
		err := s.db.Batch(ctx, func(tx *sql.Tx) error {
			r, err := tx.ExecContext(ctx, `DELETE FROM import_staging WHERE rowid IN
				(SELECT rowid FROM import_staging WHERE import_id = ? LIMIT ?)`, id, cleanChunk)
			if err != nil {
				return err
			}
			n, err = r.RowsAffected()
			return err
		})
		if err != nil {
			return fmt.Errorf("drop import %s: %w", id, err)
		}
		if n < cleanChunk {
			return nil
		}
	}
}

// CleanImports removes what dead imports left behind: imports untouched for
// StaleImport and staged rows whose import is gone. Nothing reads staging
// but its own import, so leftovers are harmless until then; the server runs
// this at start and every import runs it first.
func (s *Store) CleanImports(ctx context.Context) error {
	cutoff := s.clock.Now().Add(-StaleImport)
	if err := s.db.Batch(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM imports WHERE touched_at < ?`, cutoff)
		return err
	}); err != nil {
		return fmt.Errorf("clean imports: %w", err)
	}
	var dead []string
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT import_id FROM import_staging
			WHERE import_id NOT IN (SELECT id FROM imports)`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			dead = append(dead, id)
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("clean imports: %w", err)
	}
	var errs []error
	for _, id := range dead {
		errs = append(errs, s.dropImport(ctx, id))
	}
	return errors.Join(errs...)
}

// versionJSON is how a version's lists are stored: JSON text, options an
// array even when empty (numeric items), numeric "" when there is none.
func versionJSON(it *Item) (tiers, opts, numeric string) {
	t, _ := json.Marshal(it.Tiers)
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
