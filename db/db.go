// Package db opens the database the way every part of mopscert needs it.
// SQLite (the embedded default): WAL, foreign keys, a busy timeout and
// synchronous=FULL on every pooled connection, one writer connection whose
// transactions start with BEGIN IMMEDIATE, a separate read pool. PostgreSQL
// (the shared store for several nodes): one bounded pool, serializable
// writes retried on conflict. Either way the embedded migrations are applied.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// DB is the application's handle on its database.
type DB struct {
	// W is the single writer connection (SQLite) or the pool (PostgreSQL).
	// Use Update or Batch rather than W directly so that writes start with
	// BEGIN IMMEDIATE, or run serializable and are retried on conflict.
	W *sql.DB
	// R is the read pool (query_only connections on SQLite; the same pool as
	// W on PostgreSQL).
	R *sql.DB

	dialect Dialect
	path    string
	batch   *batcher
	probe   prober
}

// dsn puts every pragma into the connection string so each connection the
// pool opens gets them, not just the first one.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	// FULL: an acknowledged answer must survive power loss, not only a crash.
	q.Set("_synchronous", "FULL")
	// Writers take the write lock at BEGIN, so two writers never deadlock
	// upgrading read locks; readers must not take it at all.
	if readOnly {
		q.Set("_txlock", "deferred")
	} else {
		q.Set("_txlock", "immediate")
	}
	q.Set("_loc", "UTC")
	q.Set("_cache_size", "-16000")
	// Reuse prepared statements: hot paths (autosave, session lookup) run
	// the same few queries thousands of times a second.
	q.Set("_stmt_cache_size", "64")
	if readOnly {
		q.Set("_query_only", "1")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens the database named by dsn, applies the embedded migrations and
// starts the group-commit writer. A postgres:// or postgresql:// URL opens
// PostgreSQL (pool size from MOPSCERT_DB_MAX_CONNS); anything else is the
// path of a SQLite file, created if needed.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("open database: empty path")
	}
	if IsPostgresURL(dsn) {
		n, err := MaxConnsFromEnv()
		if err != nil {
			return nil, err
		}
		return OpenPostgres(ctx, dsn, n)
	}
	return openSQLite(ctx, dsn)
}

// OpenPostgres opens a PostgreSQL database with a pool of at most maxConns
// connections and migrates it under an advisory lock, so nodes starting at
// the same moment on an empty database take turns.
func OpenPostgres(ctx context.Context, dsn string, maxConns int) (*DB, error) {
	p, err := openPostgres(ctx, dsn, maxConns)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, p, Postgres); err != nil {
		p.Close()
		return nil, err
	}
	d := &DB{W: p, R: p, dialect: Postgres, path: dsn}
	d.batch = newBatcher(nil)
	return d, nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
	}
	w, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	err = WithStartupLock(ctx, path, func() error {
		if err := quickCheck(ctx, w, path); err != nil {
			return err
		}
		return migrate(ctx, w, SQLite)
	})
	if err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open read pool %s: %w", path, err)
	}
	n := 2 * runtime.GOMAXPROCS(0)
	if n < 4 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	d := &DB{W: w, R: r, path: path}
	d.batch = newBatcher(w)
	return d, nil
}

// Path is the database file's path (SQLite) or its URL (PostgreSQL).
func (d *DB) Path() string { return d.path }

// Dialect says which engine this is.
func (d *DB) Dialect() Dialect { return d.dialect }

// Close stops the group-commit writer and closes both pools. Closing twice
// is harmless.
func (d *DB) Close() error {
	d.batch.stop()
	if d.R == d.W {
		return d.W.Close()
	}
	return errors.Join(d.R.Close(), d.W.Close())
}

// maxTries bounds how often a transaction that lost a serialization
// conflict is run again before the conflict is reported.
const maxTries = 25

// Update runs fn in a write transaction and commits when fn returns nil. On
// SQLite that is BEGIN IMMEDIATE on the single writer, so writers never
// conflict. On PostgreSQL it is SERIALIZABLE: a transaction that loses a
// conflict with another node (or goroutine) is rolled back and fn runs
// again, up to maxTries times with jittered backoff. fn must therefore be
// safe to run again: no effects outside tx, and nothing it computed in an
// earlier run kept in variables it does not reset.
func (d *DB) Update(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.retry(ctx, func() error { return d.updateOnce(ctx, sql.LevelSerializable, fn) })
}

// UpdateReadCommitted is Update at READ COMMITTED on PostgreSQL (the same
// as Update on SQLite), for transactions whose invariants the database
// enforces itself (unique indexes, atomic upserts, row locks taken with
// FOR UPDATE) and that would conflict under SERIALIZABLE for no gain. Still
// retried on deadlock. The caller says why at the call.
func (d *DB) UpdateReadCommitted(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.retry(ctx, func() error { return d.updateOnce(ctx, sql.LevelReadCommitted, fn) })
}

func (d *DB) updateOnce(ctx context.Context, level sql.IsolationLevel, fn func(tx *sql.Tx) error) error {
	var opts *sql.TxOptions
	if d.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: level}
	}
	tx, err := d.W.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// retry runs once until it succeeds, fails for a reason retrying cannot
// mend, or has been tried maxTries times.
func (d *DB) retry(ctx context.Context, once func() error) error {
	wait := time.Millisecond
	for try := 1; ; try++ {
		err := once()
		if err == nil || !IsRetryable(err) || try == maxTries {
			return err
		}
		// Full jitter: two losers of one conflict must not meet again.
		t := time.NewTimer(time.Duration(rand.Int64N(int64(wait))) + time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		if wait < 100*time.Millisecond {
			wait *= 2
		}
	}
}

// View runs fn in a read transaction on the read pool, so it sees one
// consistent snapshot (REPEATABLE READ on PostgreSQL: a read-only snapshot
// never fails to serialize).
func (d *DB) View(ctx context.Context, fn func(tx *sql.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if d.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := d.R.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	return fn(tx)
}

// Ping checks that both pools answer.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.W.PingContext(ctx); err != nil {
		return err
	}
	return d.R.PingContext(ctx)
}

// ErrNotSQLite is returned by operations that only a SQLite file has.
var ErrNotSQLite = errors.New("only a SQLite database supports this")

// Backup writes a consistent copy of the database to path while the server
// keeps running (VACUUM INTO reads one snapshot). The copy is compact and
// needs no -wal file; path must not exist yet.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.dialect == Postgres {
		return fmt.Errorf("backup: %w; back PostgreSQL up with pg_dump", ErrNotSQLite)
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	// Its own connection: the read pool is query_only, which refuses VACUUM
	// INTO, and the writer would hold up every save for the copy's length.
	conn, err := sql.Open("sqlite3", dsn(d.path, false))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
