package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for the admin connection

	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/migrations"
)

// PostgresServer is MOPSCERT_TEST_POSTGRES: the URL of a server on which
// tests may create and drop databases named mopscert_t_*, or "".
func PostgresServer() string { return os.Getenv("MOPSCERT_TEST_POSTGRES") }

// RequirePostgres returns the test server's URL, or skips the test with a
// message when none is named (fails instead with MOPSCERT_REQUIRE_TOOLS=1).
func RequirePostgres(tb testing.TB) string {
	tb.Helper()
	if s := PostgresServer(); s != "" {
		return s
	}
	msg := "PostgreSQL test skipped: set MOPSCERT_TEST_POSTGRES=postgres://user@host:port/postgres?sslmode=disable"
	if os.Getenv("MOPSCERT_REQUIRE_TOOLS") == "1" {
		tb.Fatal(msg + " (MOPSCERT_REQUIRE_TOOLS=1)")
	}
	tb.Skip(msg)
	return ""
}

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
	tplOnce   sync.Once
	tplName   string
	tplErr    error
)

// templateName names the migrated template after the migrations it holds,
// so test processes (and later runs) share it and a new migration makes a
// new one instead of cloning a stale schema.
func templateName() string {
	h := sha256.New()
	names, _ := fs.Glob(migrations.PostgresFS, "*.sql")
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(migrations.PostgresFS, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	return "mopscert_t_tpl_" + hex.EncodeToString(h.Sum(nil))[:12]
}

// lockKey serializes template creation and cloning across test processes:
// a database being migrated cannot be a template, nor can one connected to.
const lockKey = 7301590118

func adminConn(server string) (*sql.DB, error) {
	adminOnce.Do(func() {
		admin, adminErr = sql.Open("pgx", server)
		if adminErr == nil {
			admin.SetMaxOpenConns(2)
			adminErr = admin.Ping()
		}
	})
	return admin, adminErr
}

// withLock runs fn on one admin connection holding the advisory lock.
func withLock(ctx context.Context, a *sql.DB, fn func(c *sql.Conn) error) error {
	c, err := a.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockKey); err != nil {
		return err
	}
	defer c.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, lockKey) //nolint:errcheck // closing releases it
	return fn(c)
}

func ensureTemplate(ctx context.Context, a *sql.DB, server string) (string, error) {
	tplOnce.Do(func() {
		name := templateName()
		tplErr = withLock(ctx, a, func(c *sql.Conn) error {
			var n int
			if err := c.QueryRowContext(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			// Build under a temporary name and rename when done, so a run
			// killed half-way leaves no half-migrated template behind.
			tmp := name + "_building"
			if _, err := c.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{tmp}.Sanitize()+` WITH (FORCE)`); err != nil {
				return err
			}
			if _, err := c.ExecContext(ctx, `CREATE DATABASE `+pgx.Identifier{tmp}.Sanitize()); err != nil {
				return err
			}
			d, err := db.OpenPostgres(ctx, withDatabase(server, tmp), 2)
			if err != nil {
				return fmt.Errorf("migrate the template: %w", err)
			}
			if err := d.Close(); err != nil {
				return err
			}
			_, err = c.ExecContext(ctx, `ALTER DATABASE `+pgx.Identifier{tmp}.Sanitize()+` RENAME TO `+pgx.Identifier{name}.Sanitize())
			return err
		})
		tplName = name
	})
	return tplName, tplErr
}

func freshPostgres(tb testing.TB, server string) string {
	tb.Helper()
	a, err := adminConn(server)
	if err != nil {
		tb.Fatalf("MOPSCERT_TEST_POSTGRES: %v", err)
	}
	tpl, err := ensureTemplate(context.Background(), a, server)
	if err != nil {
		tb.Fatalf("PostgreSQL test template: %v", err)
	}
	return newDatabase(tb, a, server, tpl)
}

// newDatabase creates a database, a copy of template tpl (or empty when tpl
// is ""), and drops it when the test ends.
func newDatabase(tb testing.TB, a *sql.DB, server, tpl string) string {
	tb.Helper()
	ctx := context.Background()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "mopscert_t_" + hex.EncodeToString(b[:])
	err := withLock(ctx, a, func(c *sql.Conn) error {
		q := `CREATE DATABASE ` + pgx.Identifier{name}.Sanitize()
		if tpl != "" {
			q += ` TEMPLATE ` + pgx.Identifier{tpl}.Sanitize()
		}
		_, err := c.ExecContext(ctx, q)
		return err
	})
	if err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := a.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(server, name)
}

// withDatabase returns server's URL naming database name instead.
func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}
