package web

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/mopscert/mopscert/db"
)

// Budgets that must hold across app servers live in the rate_limits table
// (migration 00016), so a per-account sign-in limit is one limit however
// many nodes a load balancer spreads the guesses over. Each budget is a
// generic cell rate algorithm: one integer per key, the "theoretical arrival
// time" (tat) of the next token, in Unix nanoseconds. Taking a token is one
// conditional upsert that only the database decides, so parallel requests
// on different nodes cannot all pass a check none of them has charged yet.
//
// With burst B and one token back every per, a take at now is allowed when
// tat <= now + (B-1)·per, and moves tat to max(tat, now) + per. A row whose
// tat has passed is a full budget, the same as no row, so rows are pruned
// once their tat is in the past.

// dbBudget is one shared budget: a scope in rate_limits with its rate.
type dbBudget struct {
	scope string
	per   time.Duration
	burst int
}

// dbTake names one token to take: a budget and the key it is charged to.
type dbTake struct {
	b   dbBudget
	key string
}

// rateKey keeps addresses and e-mail addresses out of the table, and bounds
// the key's length whatever a client sends.
func rateKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

func unixNano(t time.Time) int64 { return t.UnixNano() }

// errBudgetSpent rolls back the savepoint of a refused reservation, so a
// refused attempt takes nothing from the budgets it did fit in.
var errBudgetSpent = errors.New("rate budget spent")

// dbTakeAll takes one token from every budget in want, or from none: the
// takes share one savepoint of a group commit, which a refusal rolls back.
// When refused it says how long until the refusing budget has a token.
func dbTakeAll(ctx context.Context, d *db.DB, want []dbTake, now time.Time) (bool, time.Duration, error) {
	var wait time.Duration
	err := d.Batch(ctx, func(tx *sql.Tx) error {
		for _, w := range want {
			ok, wt, err := dbTake1(ctx, tx, w, now)
			if err != nil {
				return err
			}
			if !ok {
				wait = wt
				return errBudgetSpent
			}
		}
		return nil
	})
	if errors.Is(err, errBudgetSpent) {
		return false, wait, nil
	}
	if err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	return true, 0, nil
}

func dbTake1(ctx context.Context, tx *sql.Tx, w dbTake, now time.Time) (bool, time.Duration, error) {
	n, per := unixNano(now), int64(w.b.per)
	limit := n + int64(w.b.burst-1)*per
	key := rateKey(w.key)
	var tat int64
	err := tx.QueryRowContext(ctx, `INSERT INTO rate_limits (scope, key, tat) VALUES (?, ?, ?)
		ON CONFLICT (scope, key) DO UPDATE
			SET tat = CASE WHEN rate_limits.tat > ? THEN rate_limits.tat + ? ELSE ? END
			WHERE rate_limits.tat <= ?
		RETURNING tat`, w.b.scope, key, n+per, n, per, n+per, limit).Scan(&tat)
	if err == nil {
		return true, 0, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, 0, fmt.Errorf("take %s: %w", w.b.scope, err)
	}
	// Refused: the row was left alone. Read it to say how long to wait.
	if err := tx.QueryRowContext(ctx, `SELECT tat FROM rate_limits WHERE scope = ? AND key = ?`, w.b.scope, key).Scan(&tat); err != nil {
		return false, 0, fmt.Errorf("read %s: %w", w.b.scope, err)
	}
	return false, time.Duration(max(tat-limit, int64(time.Millisecond))), nil
}

// dbRefundAll gives back one token to each budget, for attempts that
// turned out not to count. A failed refund is not reported: it only leaves
// the budget stricter than it need be, and the caller has answered already.
func dbRefundAll(ctx context.Context, d *db.DB, give []dbTake) {
	_ = d.Batch(ctx, func(tx *sql.Tx) error {
		for _, g := range give {
			if _, err := tx.ExecContext(ctx, `UPDATE rate_limits SET tat = tat - ? WHERE scope = ? AND key = ?`,
				int64(g.b.per), g.b.scope, rateKey(g.key)); err != nil {
				return err
			}
		}
		return nil
	})
}

// pruneRateLimits deletes the rows of full budgets. Every node prunes; two
// deleting the same rows at once is harmless.
func pruneRateLimits(ctx context.Context, d *db.DB, now time.Time) error {
	return d.Update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM rate_limits WHERE tat < ?`, unixNano(now)); err != nil {
			return fmt.Errorf("prune rate limits: %w", err)
		}
		return nil
	})
}
