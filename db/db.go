// Package db opens the SQLite database the way every part of mopscert needs
// it: WAL, foreign keys, a busy timeout and synchronous=FULL on every pooled
// connection, one writer connection whose transactions start with BEGIN
// IMMEDIATE, a separate read pool, and the embedded migrations applied.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// DB is the application's handle on its database.
type DB struct {
	// W is the single writer connection. Use Update or Batch rather than W
	// directly so that writes start with BEGIN IMMEDIATE.
	W *sql.DB
	// R is the read pool (query_only connections).
	R *sql.DB

	path  string
	batch *batcher
	probe prober
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

// Open opens (creating if needed) the database file at path, applies the
// embedded migrations and starts the group-commit writer.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: empty path")
	}
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
		return Migrate(ctx, w)
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

// Path is the database file's path.
func (d *DB) Path() string { return d.path }

// Close stops the group-commit writer and closes both pools. Closing twice
// is harmless.
func (d *DB) Close() error {
	d.batch.stop()
	return errors.Join(d.R.Close(), d.W.Close())
}

// Update runs fn in a write transaction (BEGIN IMMEDIATE on the single writer
// connection) and commits when fn returns nil.
func (d *DB) Update(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.W.BeginTx(ctx, nil)
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

// View runs fn in a read transaction on the read pool, so it sees one
// consistent snapshot.
func (d *DB) View(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
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

// Backup writes a consistent copy of the database to path while the server
// keeps running (VACUUM INTO reads one snapshot). The copy is compact and
// needs no -wal file; path must not exist yet.
func (d *DB) Backup(ctx context.Context, path string) error {
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
