package db

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// TestMigrateItemTypesKeepsData applies migrations up to 4, writes a small
// bank and an attempt with an answer, then migrates to the newest version:
// the rebuilt items and attempt_questions tables must keep every row, their
// children (versions, tiers, events, answers) must survive the rebuild, and
// foreign keys must be on and enforced afterwards.
func TestMigrateItemTypesKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	conn, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	conn.SetMaxOpenConns(1)
	p, err := provider(conn, SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 4); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, q := range []string{
		`INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES ('u1', 'a@b.c', 'A', 'x', 'candidate', ?)`,
		`INSERT INTO items (id, version, status, domain, topic, type, stem, created_at, updated_at) VALUES ('it1', 1, 'active', 'concepts', '', 'single', 's', ?, ?)`,
		`INSERT INTO item_versions (item_id, version, domain, tiers, topic, type, stem, options, created_at) VALUES ('it1', 1, 'concepts', '["foundation"]', '', 'single', 's', '[]', ?)`,
		`INSERT INTO item_tiers (item_id, tier_code) VALUES ('it1', 'foundation')`,
		`INSERT INTO item_events (item_id, version, action, at) VALUES ('it1', 1, 'create', ?)`,
		`INSERT INTO tiers (code, name, level, time_limit_seconds, pass_percent, validity_days, blueprint, updated_at) VALUES ('foundation', 'F', 1, 60, 70, 365, '{}', ?)`,
		`INSERT INTO attempts (id, user_id, tier_code, status, seed, started_at, deadline, time_limit_seconds, pass_percent) VALUES ('a1', 'u1', 'foundation', 'in_progress', 1, ?, ?, 60, 70)`,
		`INSERT INTO attempt_questions (attempt_id, question_id, position, item_id, item_version, domain, type, option_order) VALUES ('a1', 'q1', 1, 'it1', 1, 'concepts', 'single', '[1,0]')`,
		`INSERT INTO answers (attempt_id, question_id, choices, saved_at) VALUES ('a1', 'q1', '["a"]', ?)`,
	} {
		var args []any
		for range countPlaceholders(q) {
			args = append(args, now)
		}
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := Migrate(ctx, conn); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	for table, want := range map[string]int{"items": 1, "item_versions": 1, "item_tiers": 1, "item_events": 1,
		"attempt_questions": 1, "answers": 1, "item_exposure": 0} {
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s has %d rows after the migration, want %d", table, n, want)
		}
	}
	var fk int
	if err := conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d (%v), want 1", fk, err)
	}
	rows, err := conn.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check reports violations after the migration")
	}
	rows.Close()
	// The children still point at the rebuilt tables, and the new types fit.
	if _, err := conn.ExecContext(ctx, `INSERT INTO item_versions (item_id, version, domain, tiers, type, stem, options, created_at)
		VALUES ('nope', 1, 'concepts', '[]', 'numeric', 's', '[]', ?)`, now); err == nil {
		t.Error("a version of a missing item was accepted: the foreign key to items is lost")
	}
	if _, err := conn.ExecContext(ctx, `UPDATE items SET type = 'matching', grp = 'g' WHERE id = 'it1'`); err != nil {
		t.Errorf("new type refused: %v", err)
	}
	if _, err := conn.ExecContext(ctx, `UPDATE items SET type = 'essay' WHERE id = 'it1'`); err == nil {
		t.Error("an unknown type was accepted: the CHECK constraint is lost")
	}
	if _, err := conn.ExecContext(ctx, `DELETE FROM attempt_questions WHERE attempt_id = 'a1'`); err != nil {
		t.Fatal(err)
	}
	var answers int
	_ = conn.QueryRowContext(ctx, `SELECT count(*) FROM answers`).Scan(&answers)
	if answers != 0 {
		t.Error("deleting a question left its answer: the cascade from answers to attempt_questions is lost")
	}
	var idx int
	_ = conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('items_filter', 'items_topic', 'attempt_questions_item')`).Scan(&idx)
	if idx != 3 {
		t.Errorf("%d of the 3 indexes survive the rebuild", idx)
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
}

func countPlaceholders(q string) int {
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
		}
	}
	return n
}
