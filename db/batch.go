package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Group commit. With synchronous=FULL every COMMIT costs an fsync, which caps
// one-transaction-per-request writes at the disk's fsync rate. Batch lets
// concurrent small writes (autosaved answers) share one transaction and one
// fsync: each runs inside its own SAVEPOINT, so one failing write rolls back
// only itself, and every caller is answered only after the shared COMMIT.

const maxBatch = 256

type batchReq struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	done chan error
}

type batcher struct {
	w    *sql.DB
	reqs chan batchReq
	quit chan struct{}
	dead chan struct{}
	once sync.Once

	// mu orders queueing against stopping: a sender holds it shared from
	// its closed check until its request is in the channel, and stop takes
	// it exclusively before closing quit. So every request queued is queued
	// before the loop's final drain, and none can slip in after it (a
	// select on quit alone picks at random when both cases are ready).
	mu     sync.RWMutex
	closed bool
}

// ErrClosed is returned for writes submitted after Close.
var ErrClosed = errors.New("database is closed")

// newBatcher starts the group-commit loop on w; with w nil (PostgreSQL) it
// only keeps the closed state, so Batch after Close still fails.
func newBatcher(w *sql.DB) *batcher {
	b := &batcher{w: w, reqs: make(chan batchReq, maxBatch), quit: make(chan struct{}), dead: make(chan struct{})}
	if w == nil {
		close(b.dead)
		return b
	}
	go b.loop()
	return b
}

func (b *batcher) isClosed() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.closed
}

func (b *batcher) stop() {
	b.once.Do(func() {
		b.mu.Lock()
		b.closed = true
		b.mu.Unlock()
		close(b.quit)
	})
	<-b.dead
}

// enqueue puts req on the queue unless the batcher is stopped or ctx ends.
// Holding the read lock while blocked on a full queue is safe: the loop
// keeps draining until quit is closed, which stop does only after taking
// the write lock, i.e. after every sender has finished.
func (b *batcher) enqueue(req batchReq) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return ErrClosed
	}
	select {
	case b.reqs <- req:
		return nil
	case <-req.ctx.Done():
		return req.ctx.Err()
	}
}

// Batch runs fn in a write transaction shared with other concurrent Batch
// calls and returns after that transaction has committed (fn's own error if
// fn failed; fn's writes are then rolled back and nothing else is).
//
// On PostgreSQL each call is its own short serializable transaction (retried
// like Update): the server already groups the WAL flushes of concurrent
// commits, and one shared transaction would serialize the nodes' writers.
func (d *DB) Batch(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if d.dialect == Postgres {
		if d.batch.isClosed() {
			return ErrClosed
		}
		return d.Update(ctx, fn)
	}
	req := batchReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	if err := d.batch.enqueue(req); err != nil {
		return err
	}
	// Once queued, wait for the outcome even if ctx ends: the write may
	// already be committed and the caller must not report it as lost.
	return <-req.done
}

func (b *batcher) loop() {
	defer close(b.dead)
	for {
		var first batchReq
		select {
		case first = <-b.reqs:
		case <-b.quit:
			// Drain what was queued before the stop so no caller hangs.
			for {
				select {
				case r := <-b.reqs:
					b.run([]batchReq{r})
				default:
					return
				}
			}
		}
		group := []batchReq{first}
	collect:
		for len(group) < maxBatch {
			select {
			case r := <-b.reqs:
				group = append(group, r)
			default:
				break collect
			}
		}
		b.run(group)
	}
}

func (b *batcher) run(group []batchReq) {
	results := make([]error, len(group))
	err := func() error {
		tx, err := b.w.Begin()
		if err != nil {
			return fmt.Errorf("begin batch: %w", err)
		}
		for i, r := range group {
			if err := r.ctx.Err(); err != nil {
				results[i] = err
				continue
			}
			if len(group) == 1 {
				results[i] = r.fn(tx)
				if results[i] != nil {
					_ = tx.Rollback()
					return nil
				}
				continue
			}
			if _, err := tx.Exec("SAVEPOINT w"); err != nil {
				_ = tx.Rollback()
				return fmt.Errorf("savepoint: %w", err)
			}
			if results[i] = r.fn(tx); results[i] != nil {
				if _, err := tx.Exec("ROLLBACK TO w"); err != nil {
					_ = tx.Rollback()
					return fmt.Errorf("rollback to savepoint: %w", err)
				}
			}
			if _, err := tx.Exec("RELEASE w"); err != nil {
				_ = tx.Rollback()
				return fmt.Errorf("release savepoint: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit batch: %w", err)
		}
		return nil
	}()
	for i, r := range group {
		if err != nil && results[i] == nil {
			results[i] = err
		}
		r.done <- results[i]
	}
}

// Savepoint runs fn inside SAVEPOINT name and rolls back to it when fn
// fails, leaving tx usable: on PostgreSQL any failed statement (a unique
// violation the caller means to handle) otherwise aborts the whole
// transaction. The same SQL works on SQLite.
func Savepoint(ctx context.Context, tx *sql.Tx, name string, fn func() error) error {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return errors.Join(err, fmt.Errorf("rollback to savepoint: %w", rerr))
		}
		return err
	}
	if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}
