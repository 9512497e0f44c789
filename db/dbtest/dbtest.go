// Package dbtest opens real database files for tests.
package dbtest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mopscert/mopscert/db"
)

// Open opens a real database file under tb.TempDir(), migrated, and closes it
// when the test ends. Tests use real files, never :memory:, so WAL, the
// writer/reader split and fsyncs behave as in production.
func Open(tb testing.TB) *db.DB {
	tb.Helper()
	d, err := db.Open(context.Background(), filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() { _ = d.Close() })
	return d
}
