package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ErrDamaged means the database file failed SQLite's integrity check.
var ErrDamaged = errors.New("database file is damaged")

// quickCheck runs PRAGMA quick_check: a corrupted page found at start is a
// clear refusal, rather than half the reads failing later while the server
// claims to be ready. It reads every page once, which on the sizes this
// server holds is well under a second.
func quickCheck(ctx context.Context, conn *sql.DB, path string) error {
	rows, err := conn.QueryContext(ctx, `PRAGMA quick_check(20)`)
	if err != nil {
		return fmt.Errorf("%w: %s: %v; restore it from a backup (mopscert backup)", ErrDamaged, path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return fmt.Errorf("%w: %s: %v; restore it from a backup", ErrDamaged, path, err)
		}
		if msg != "ok" {
			problems = append(problems, msg)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%w: %s: %v; restore it from a backup", ErrDamaged, path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s: %s; restore it from a backup", ErrDamaged, path, strings.Join(problems, "; "))
	}
	return nil
}

// probeEvery bounds how often Probe touches the database: a health checker
// polling every few milliseconds gets the last answer instead of queueing
// writes in front of candidates' autosaves.
const probeEvery = 2 * time.Second

type prober struct {
	mu   sync.Mutex
	last time.Time
	err  error
}

// Probe says whether the database can be read and written now: a real read
// on the read pool and a real one-row write through the writer. Results are
// reused for probeEvery, so calling it often costs nothing.
func (d *DB) Probe(ctx context.Context) error {
	d.probe.mu.Lock()
	defer d.probe.mu.Unlock()
	if !d.probe.last.IsZero() && time.Since(d.probe.last) < probeEvery {
		return d.probe.err
	}
	d.probe.err = d.probeNow(ctx)
	d.probe.last = time.Now()
	return d.probe.err
}

func (d *DB) probeNow(ctx context.Context) error {
	// Not the caller's cancellation: the answer is kept for probeEvery, and
	// a load balancer's health check that hangs up early (HAProxy's check
	// timeout) must not leave this node answering 503 to everyone for that
	// long, which takes it out of rotation although the database is fine.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var n int
	if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM health_probe`).Scan(&n); err != nil {
		return fmt.Errorf("read probe: %w", err)
	}
	err := d.Batch(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO health_probe (id, at) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET at = excluded.at`, time.Now().UTC())
		return err
	})
	if err != nil {
		return fmt.Errorf("write probe: %w", err)
	}
	return nil
}
