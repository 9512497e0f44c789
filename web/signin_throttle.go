package web

import (
	"time"
)

// signInThrottle decides, before any password is hashed, whether a sign-in
// may go ahead. It follows OWASP's lockout-resistant design: a browser
// that presents a device cookie from an earlier successful sign-in to the
// same account has a failure budget of its own; every other client shares
// the account's budget for unknown clients, and its address's. So guesses
// from anywhere else can exhaust only the unknown clients' budget, and the
// owner still signs in from their usual browser.
//
// It is an interface so that several app servers can share the counts
// (in the database or a cache) instead of this node's memory.
type signInThrottle interface {
	// reserve takes one attempt before the password is checked, so parallel
	// guesses cannot all pass a check none of them has charged yet. When a
	// budget is spent it returns ok false and how long to wait. Otherwise
	// the caller calls done with whether the sign-in succeeded: a success
	// gives the attempt back.
	reserve(a signInAttempt, now time.Time) (done func(success bool, now time.Time), wait time.Duration, ok bool)
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

func (m *memorySignInThrottle) reserve(a signInAttempt, now time.Time) (func(bool, time.Time), time.Duration, bool) {
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
			return nil, wait, false
		}
	}
	done := func(success bool, at time.Time) {
		if success {
			for _, t := range want {
				t.l.refund(t.key, at)
			}
		}
	}
	return done, 0, true
}
