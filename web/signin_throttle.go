package web

import (
	"context"
	"time"

	"github.com/mopscert/mopscert/db"
)

// signInThrottle decides, before any password is hashed, whether a sign-in
// may go ahead. It follows OWASP's lockout-resistant design: a browser
// that presents a device cookie from an earlier successful sign-in to the
// same account has a failure budget of its own; every other client shares
// the account's budget for unknown clients, and its address's. So guesses
// from anywhere else can exhaust only the unknown clients' budget, and the
// owner still signs in from their usual browser.
//
// It is an interface so that several app servers can share the counts:
// memorySignInThrottle keeps them in this node's memory, dbSignInThrottle
// in the database, and sharedSignInThrottle puts the first in front of the
// second (what the server runs).
type signInThrottle interface {
	// reserve takes one attempt before the password is checked, so parallel
	// guesses cannot all pass a check none of them has charged yet. When a
	// budget is spent it returns ok false and how long to wait. Otherwise
	// the caller calls done with whether the sign-in succeeded: a success
	// gives the attempt back.
	reserve(ctx context.Context, a signInAttempt, now time.Time) (done func(success bool, now time.Time), wait time.Duration, ok bool, err error)
}

// signInAttempt names the budgets an attempt draws on.
type signInAttempt struct {
	account string // canonical e-mail address
	addr    string // client address
	device  string // hash of a device cookie valid for account; "" when none
}

// Budgets: an unknown client gets 10 attempts per address (then one per
// 6 s) and all unknown clients together 5 per account (then one a minute);
// a known device gets 5 of its own (then one a minute).
const (
	signInAddrBurst, signInAddrEvery       = 10, 6 * time.Second
	signInAccountBurst, signInAccountEvery = 5, time.Minute
	signInDeviceBurst, signInDeviceEvery   = 5, time.Minute
)

// memorySignInThrottle keeps the budgets in this process's memory.
type memorySignInThrottle struct {
	addr, account, device *limiter
}

func newMemorySignInThrottle() *memorySignInThrottle {
	return &memorySignInThrottle{
		addr:    newLimiter(signInAddrEvery, signInAddrBurst),
		account: newLimiter(signInAccountEvery, signInAccountBurst),
		device:  newLimiter(signInDeviceEvery, signInDeviceBurst),
	}
}

func (m *memorySignInThrottle) all() []*limiter { return []*limiter{m.addr, m.account, m.device} }

func (m *memorySignInThrottle) reserve(_ context.Context, a signInAttempt, now time.Time) (func(bool, time.Time), time.Duration, bool, error) {
	type taken struct {
		l   *limiter
		key string
	}
	var want []taken
	if a.device != "" {
		want = []taken{{m.device, a.device}}
	} else {
		want = []taken{{m.addr, a.addr}, {m.account, a.account}}
	}
	for i, t := range want {
		if ok, wait := t.l.take(t.key, now); !ok {
			// All or nothing: a refused attempt costs no other budget, so a
			// locked account does not also drain its address's budget.
			for _, u := range want[:i] {
				u.l.refund(u.key, now)
			}
			return nil, wait, false, nil
		}
	}
	done := func(success bool, at time.Time) {
		if success {
			for _, t := range want {
				t.l.refund(t.key, at)
			}
		}
	}
	return done, 0, true, nil
}

// The shared budgets, in rate_limits (ratelimit_db.go).
var (
	signInAccountBudget = dbBudget{"signin-account", signInAccountEvery, signInAccountBurst}
	signInDeviceBudget  = dbBudget{"signin-device", signInDeviceEvery, signInDeviceBurst}
)

// dbSignInThrottle keeps the per-account and per-device budgets in the
// database, so they hold across every app server. The per-address budget
// is not here: it guards against floods, and a flood refused in memory
// costs no write (see sharedSignInThrottle).
type dbSignInThrottle struct {
	db *db.DB
}

func (t dbSignInThrottle) reserve(ctx context.Context, a signInAttempt, now time.Time) (func(bool, time.Time), time.Duration, bool, error) {
	want := []dbTake{{signInAccountBudget, a.account}}
	if a.device != "" {
		want = []dbTake{{signInDeviceBudget, a.device}}
	}
	ok, wait, err := dbTakeAll(ctx, t.db, want, now)
	if err != nil || !ok {
		return nil, wait, false, err
	}
	done := func(success bool, _ time.Time) {
		if success {
			// Not the request's context: the refund must happen even when
			// the client has gone, or its success would count as a guess.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			dbRefundAll(ctx, t.db, want)
		}
	}
	return done, 0, true, nil
}

// sharedSignInThrottle asks this node's memory first and the database
// second. Memory holds every budget, per node: it turns a flood from one
// address away without a write to the shared database. The database holds
// the account and device budgets for all nodes together, so guesses spread
// over N nodes still get one account budget. The per-address budget is
// therefore per node (N nodes allow N times its burst), which is enough
// for what it is for: the account budget is what protects a password.
type sharedSignInThrottle struct {
	mem    signInThrottle
	shared signInThrottle
}

func (t sharedSignInThrottle) reserve(ctx context.Context, a signInAttempt, now time.Time) (func(bool, time.Time), time.Duration, bool, error) {
	memDone, wait, ok, err := t.mem.reserve(ctx, a, now)
	if err != nil || !ok {
		return nil, wait, false, err
	}
	dbDone, wait, ok, err := t.shared.reserve(ctx, a, now)
	if err != nil || !ok {
		memDone(true, now) // all or nothing: give this node's tokens back
		return nil, wait, false, err
	}
	return func(success bool, at time.Time) {
		memDone(success, at)
		dbDone(success, at)
	}, 0, true, nil
}
