package db

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"syscall"
)

// Start-up steps (migrations, default tiers and bank, the first admin, the
// first signing key) each read "is it there?" and then create it. Two
// processes starting at once on a new file would both see "no" and the
// second would fail. WithStartupLock runs such a sequence under an exclusive
// lock shared by every mopscert process on the host, so the second one finds
// the work done and goes on.
//
// The lock is flock(2) on a file beside the database, never on the database
// file itself: closing any descriptor of that file would drop SQLite's own
// POSIX locks.

// WithStartupLock runs fn while holding the start-up lock for the database
// at path. It waits for another process holding it, or until ctx ends.
func WithStartupLock(ctx context.Context, path string, fn func() error) error {
	f, err := os.OpenFile(path+"-startup.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("start-up lock: %w", err)
	}
	defer f.Close()
	locked := make(chan error, 1)
	go func() { locked <- syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }()
	select {
	case err := <-locked:
		if err != nil {
			return fmt.Errorf("start-up lock: %w", err)
		}
	case <-ctx.Done():
		// Closing the file releases the lock if the flock wins later.
		return fmt.Errorf("start-up lock: %w", ctx.Err())
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing releases it anyway
	return fn()
}

// startupLockKey is the advisory lock PostgreSQL nodes take for the start-up
// steps: fixed, so every node of one database agrees on it.
func startupLockKey() int64 {
	h := fnv.New64a()
	h.Write([]byte("mopscert start-up"))
	return int64(h.Sum64())
}

// WithStartupLock runs fn under the start-up lock of this database: the file
// lock beside a SQLite file, or a session advisory lock on PostgreSQL held
// on one dedicated connection while fn runs on the pool.
func (d *DB) WithStartupLock(ctx context.Context, fn func() error) error {
	if d.dialect != Postgres {
		return WithStartupLock(ctx, d.path, fn)
	}
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return fmt.Errorf("start-up lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(?)`, startupLockKey()); err != nil {
		return fmt.Errorf("start-up lock: %w", err)
	}
	// Unlock with a fresh context: a cancelled ctx must not leave the lock
	// held on a connection that goes back to the pool.
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(?)`, startupLockKey()) //nolint:errcheck // closing the session releases it too
	return fn()
}
