package web

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
)

// limiter is a set of token buckets keyed by client address, account or
// device, pruned when idle so a flood of distinct keys cannot grow memory
// without bound. Time comes from the server's clock so tests can move it.
type limiter struct {
	mu      sync.Mutex
	per     time.Duration // one token back every per
	burst   float64
	buckets map[string]*bucket
	// shared, when set, is the same budget kept in the database for every
	// app server; this node's memory is asked first so that a flood it
	// refuses costs no write.
	shared *dbBudget
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

const maxBuckets = 100_000

func newLimiter(per time.Duration, burst int) *limiter {
	return &limiter{per: per, burst: float64(burst), buckets: map[string]*bucket{}}
}

// refill brings b up to date at now and returns it (nil: a full bucket).
func (l *limiter) refillLocked(key string, now time.Time) *bucket {
	b := l.buckets[key]
	if b == nil {
		return nil
	}
	if el := now.Sub(b.at); el > 0 {
		b.tokens = math.Min(l.burst, b.tokens+float64(el)/float64(l.per))
		b.at = now
	}
	return b
}

// take reserves one token for key, or says how long until one is free.
// Taking before the work it guards (not counting after it) is what keeps
// parallel requests from all passing a check that none has charged yet.
func (l *limiter) take(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refillLocked(key, now)
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.pruneLocked(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(l.per))
	}
	b.tokens--
	return true, 0
}

// refund gives back a token taken for an attempt that turned out not to
// count (a successful sign-in is not a guess).
func (l *limiter) refund(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.refillLocked(key, now); b != nil {
		b.tokens = math.Min(l.burst, b.tokens+1)
	}
}

// pruneLocked drops buckets that have refilled completely: a full bucket is
// the same as no bucket.
func (l *limiter) pruneLocked(now time.Time) {
	for k := range l.buckets {
		if b := l.refillLocked(k, now); b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// limiters are the server's rate limits. Off when disabled.
//
// Sign-in (per account and device) and registration budgets are shared
// through the database (ratelimit_db.go): they guard an argon2id hash that
// costs a hundred times the write. The verification budget is per node, in
// memory only: it is a per-address brake on scrapers on the hottest public
// path, where a write per request would cost more than the check it
// guards; N nodes behind a balancer allow N times its rate.
type limiters struct {
	on       bool
	clock    clock.Clock
	db       *db.DB // nil: memory only (one node)
	register *limiter
	verify   *limiter
	signIn   signInThrottle
	quit     chan struct{}
}

// Registration: 20 per address, then one every 10 s.
var registerBudget = dbBudget{"register", 10 * time.Second, 20}

func newLimiters(on bool, clk clock.Clock, d *db.DB) *limiters {
	mem := newMemorySignInThrottle()
	l := &limiters{
		on:       on,
		clock:    clk,
		db:       d,
		register: newLimiter(registerBudget.per, registerBudget.burst),
		verify:   newLimiter(20*time.Millisecond, 100),
		signIn:   mem,
		quit:     make(chan struct{}),
	}
	if d != nil {
		l.register.shared = &registerBudget
		l.signIn = sharedSignInThrottle{mem: mem, shared: dbSignInThrottle{db: d}}
	}
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				now := clk.Now()
				for _, x := range append([]*limiter{l.register, l.verify}, mem.all()...) {
					x.mu.Lock()
					x.pruneLocked(now)
					x.mu.Unlock()
				}
				if d != nil {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					_ = pruneRateLimits(ctx, d, now) // retried next minute; stale rows are only full budgets
					cancel()
				}
			case <-l.quit:
				return
			}
		}
	}()
	return l
}

func (l *limiters) stop() {
	select {
	case <-l.quit:
	default:
		close(l.quit)
	}
}

var errRateLimited = apperr.New(apperr.TooMany, "rate_limited", "Too many attempts. Wait a little and try again.")

func rateLimited(wait time.Duration) error {
	return errRateLimited.With("retry_after", max(1, int(math.Ceil(wait.Seconds()))))
}

// check returns a 429 error when key has used up its bucket, on this node
// or, for a shared budget, on all of them together.
func (l *limiters) check(ctx context.Context, x *limiter, key string) error {
	if !l.on {
		return nil
	}
	now := l.clock.Now()
	if ok, wait := x.take(key, now); !ok {
		return rateLimited(wait)
	}
	if x.shared == nil || l.db == nil {
		return nil
	}
	ok, wait, err := dbTakeAll(ctx, l.db, []dbTake{{*x.shared, key}}, now)
	if err != nil || !ok {
		x.refund(key, now)
	}
	if err != nil {
		return err
	}
	if !ok {
		return rateLimited(wait)
	}
	return nil
}
