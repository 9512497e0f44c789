// Package dbtest opens real databases for tests: a SQLite file under
// tb.TempDir() normally, or a fresh PostgreSQL database when
// MOPSCERT_TEST_POSTGRES names a server, so the same suite runs on both
// stores.
package dbtest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mopscert/mopscert/db"
)

// Open opens a migrated database and closes it when the test ends. Tests use
// real files, never :memory:, so WAL, the writer/reader split and fsyncs
// behave as in production; with MOPSCERT_TEST_POSTGRES set it is a database
// of its own on that server, dropped at the end.
func Open(tb testing.TB) *db.DB {
	tb.Helper()
	d, err := db.Open(context.Background(), DSN(tb))
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() { _ = d.Close() })
	return d
}

// DSN returns a MOPSCERT_DB value for a new, empty-or-migrated database of
// this test: a file path under tb.TempDir() (not yet created), or the URL of
// a fresh PostgreSQL database cloned from the migrated template. Tests that
// start the binary or reopen a database use it in place of a path.
func DSN(tb testing.TB) string {
	tb.Helper()
	if server := PostgresServer(); server != "" {
		return freshPostgres(tb, server)
	}
	return filepath.Join(tb.TempDir(), "test.db")
}

// EmptyDSN is DSN for a database with nothing in it, not even the schema:
// a path under tb.TempDir(), or a new empty PostgreSQL database. Tests of
// first starts (migrations racing on an empty database) use it.
func EmptyDSN(tb testing.TB) string {
	tb.Helper()
	if server := PostgresServer(); server != "" {
		a, err := adminConn(server)
		if err != nil {
			tb.Fatalf("MOPSCERT_TEST_POSTGRES: %v", err)
		}
		return newDatabase(tb, a, server, "")
	}
	return filepath.Join(tb.TempDir(), "test.db")
}

// OpenSQLite opens a SQLite file whatever MOPSCERT_TEST_POSTGRES says, for
// tests about SQLite files themselves.
func OpenSQLite(tb testing.TB) *db.DB {
	tb.Helper()
	d, err := db.Open(context.Background(), filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() { _ = d.Close() })
	return d
}
