package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/mopscert/mopscert/migrations"
)

// ErrSchemaTooNew means the database was migrated by a newer mopscert.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary")

func provider(conn *sql.DB, d Dialect) (*goose.Provider, error) {
	if d == Postgres {
		// goose holds a session-level advisory lock while it migrates, so
		// nodes starting together apply each migration once.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		p, err := goose.NewProvider(goose.DialectPostgres, conn, migrations.PostgresFS, goose.WithSessionLocker(locker))
		if err != nil {
			return nil, fmt.Errorf("load migrations: %w", err)
		}
		return p, nil
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, conn, migrations.FS)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// KnownVersion is the newest migration this binary carries.
func KnownVersion() int64 {
	entries, _ := fs.Glob(migrations.FS, "*.sql")
	var max int64
	for _, e := range entries {
		n, err := strconv.ParseInt(strings.SplitN(e, "_", 2)[0], 10, 64)
		if err == nil && n > max {
			max = n
		}
	}
	return max
}

// Migrate applies every pending migration to a SQLite connection. It refuses
// a database whose schema is newer than the binary: running old code on a
// new schema could corrupt it.
func Migrate(ctx context.Context, conn *sql.DB) error { return migrate(ctx, conn, SQLite) }

func migrate(ctx context.Context, conn *sql.DB, d Dialect) error {
	p, err := provider(conn, d)
	if err != nil {
		return err
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if known := KnownVersion(); cur > known {
		return fmt.Errorf("%w: the database is at version %d, this binary knows up to %d; upgrade mopscert", ErrSchemaTooNew, cur, known)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// MigrationStatus is one line of `mopscert migrate status`.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

// Status lists every known migration and whether it is applied.
func (d *DB) Status(ctx context.Context) ([]MigrationStatus, error) {
	p, err := provider(d.W, d.dialect)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

// Current reports whether every migration this binary knows is applied (for
// /readyz). A schema that is newer counts as current: migrations are
// additive, and during a rolling upgrade the nodes still on the old binary
// must stay in the load balancer's rotation after the first new node has
// migrated, or the whole load falls on that one node.
func (d *DB) Current(ctx context.Context) (bool, error) {
	p, err := provider(d.W, d.dialect)
	if err != nil {
		return false, err
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return false, err
	}
	return v >= KnownVersion(), nil
}
