package web

import (
	"math"
	"sync"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/clock"
)

// limiter is a set of token buckets keyed by client address, account or
// device, pruned when idle so a flood of distinct keys cannot grow memory
// without bound. Time comes from the server's clock so tests can move it.
type limiter struct {
	mu      sync.Mutex
	per     time.Duration // one token back every per
	burst   float64
	buckets map[string]*bucket
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
type limiters struct {
	on       bool
	clock    clock.Clock
	register *limiter
	verify   *limiter
	signIn   signInThrottle
	quit     chan struct{}
}

func newLimiters(on bool, clk clock.Clock) *limiters {
	mem := newMemorySignInThrottle()
	l := &limiters{
		on:       on,
		clock:    clk,
		register: newLimiter(10*time.Second, 20),
		verify:   newLimiter(20*time.Millisecond, 100),
		signIn:   mem,
		quit:     make(chan struct{}),
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

// check returns a 429 error when key has used up its bucket.
func (l *limiters) check(x *limiter, key string) error {
	if !l.on {
		return nil
	}
	if ok, wait := x.take(key, l.clock.Now()); !ok {
		return rateLimited(wait)
	}
	return nil
}
