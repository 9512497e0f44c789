package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
)

// columns lists "table.column" of every application table.
func columns(t *testing.T, d *db.DB) []string {
	t.Helper()
	q := `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name != 'goose_db_version'`
	if d.Dialect() == db.Postgres {
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name != 'goose_db_version'`
	}
	rows, err := d.R.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// TestMigrationsAgree: the SQLite and the PostgreSQL migrations must produce
// the same tables with the same columns, or the one set of SQL the stores
// hold would break on one of them.
func TestMigrationsAgree(t *testing.T) {
	server := dbtest.RequirePostgres(t)
	_ = server
	lite := columns(t, dbtest.OpenSQLite(t))
	pg := columns(t, dbtest.Open(t))
	if strings.Join(lite, "\n") != strings.Join(pg, "\n") {
		in := map[string]int{}
		for _, c := range lite {
			in[c] |= 1
		}
		for _, c := range pg {
			in[c] |= 2
		}
		for c, w := range in {
			switch w {
			case 1:
				t.Errorf("%s only on SQLite", c)
			case 2:
				t.Errorf("%s only on PostgreSQL", c)
			}
		}
	}
	if len(lite) < 100 {
		t.Fatalf("only %d columns found: the listing query is wrong", len(lite))
	}
}

// TestUpdateRetriesSerializationFailures runs many read-modify-write
// transactions on one counter at once. On PostgreSQL they run SERIALIZABLE,
// so most conflict; Update must retry them so that every increment lands.
func TestUpdateRetriesSerializationFailures(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	if _, err := d.W.Exec(`INSERT INTO health_probe (id, at) VALUES (1, ?)`, "2026-01-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.Exec(`CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.Exec(`INSERT INTO counter (id, n) VALUES (1, 0)`); err != nil {
		t.Fatal(err)
	}
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				errs <- d.Update(ctx, func(tx *sql.Tx) error {
					var n int
					if err := tx.QueryRowContext(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&n); err != nil {
						return err
					}
					_, err := tx.ExecContext(ctx, `UPDATE counter SET n = ? WHERE id = 1`, n+1)
					return err
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
	}
	var n int
	if err := d.R.QueryRow(`SELECT n FROM counter WHERE id = 1`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != workers*each {
		t.Fatalf("counter = %d after %d increments: lost updates", n, workers*each)
	}
}

// TestErrorClassifier provokes each class of error on the store under test.
func TestErrorClassifier(t *testing.T) {
	d := dbtest.Open(t)
	ins := `INSERT INTO users (id, email, email_norm, name, password_hash, role, created_at) VALUES (?, ?, ?, 'N', 'x', 'candidate', ?)`
	if _, err := d.W.Exec(ins, "u1", "A@x.org", "a@x.org", "2026-01-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	_, err := d.W.Exec(ins, "u2", "a@X.org", "a@x.org", "2026-01-01T00:00:00Z")
	if !db.IsUniqueViolation(err) || db.IsForeignKeyViolation(err) || db.IsRetryable(err) {
		t.Errorf("duplicate e-mail: %v not classified as a unique violation alone", err)
	}
	if !db.IsUniqueViolationOn(err, "users", "email_norm") || db.IsUniqueViolationOn(err, "users", "id") || db.IsUniqueViolationOn(err, "items", "") {
		t.Errorf("duplicate e-mail: IsUniqueViolationOn misreads %v", err)
	}
	_, err = d.W.Exec(`INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ('t', 'nobody', 'c', ?, ?, ?)`,
		"2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
	if !db.IsForeignKeyViolation(err) || db.IsUniqueViolation(err) {
		t.Errorf("session of a missing user: %v not classified as a foreign key violation", err)
	}
	if db.IsRetryable(fmt.Errorf("wrapped: %w", errors.New("plain"))) {
		t.Error("a plain error is retryable")
	}
}

// TestStartupLockExcludes: two holders of the start-up lock never overlap.
func TestStartupLockExcludes(t *testing.T) {
	dsn := dbtest.DSN(t)
	ctx := context.Background()
	a, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var mu sync.Mutex
	inside, overlaps := 0, 0
	var wg sync.WaitGroup
	for i := range 6 {
		d := a
		if i%2 == 1 {
			d = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = d.WithStartupLock(ctx, func() error {
				mu.Lock()
				inside++
				if inside > 1 {
					overlaps++
				}
				mu.Unlock()
				// A real statement, so the holder does work on the pool.
				var n int
				_ = d.R.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
				mu.Lock()
				inside--
				mu.Unlock()
				return nil
			})
		}()
	}
	wg.Wait()
	if overlaps > 0 {
		t.Fatalf("%d overlapping holders of the start-up lock", overlaps)
	}
}
