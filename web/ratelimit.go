package web

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/mopscert/mopscert/apperr"
)

// limiter is a set of token buckets keyed by client IP or account, pruned
// when idle so a flood of distinct keys cannot grow memory without bound.
type limiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	buckets map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

const maxBuckets = 100_000

func newLimiter(per time.Duration, burst int) *limiter {
	return &limiter{every: rate.Every(per), burst: burst, buckets: map[string]*bucket{}}
}

// allow takes a token for key, or says how long until one is free.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.pruneLocked(now, 0)
		}
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// pruneLocked drops buckets idle for longer than they need to refill.
func (l *limiter) pruneLocked(now time.Time, keep time.Duration) {
	full := time.Duration(float64(l.burst) / float64(l.every) * float64(time.Second))
	if keep < full {
		keep = full
	}
	for k, b := range l.buckets {
		if now.Sub(b.seen) > keep {
			delete(l.buckets, k)
		}
	}
}

// limiters are the server's rate limits. Off (nil buckets) when disabled.
type limiters struct {
	on           bool
	loginIP      *limiter // sign-in attempts per client address
	loginAccount *limiter // sign-in failures per e-mail address
	register     *limiter
	verify       *limiter
	quit         chan struct{}
}

func newLimiters(on bool) *limiters {
	l := &limiters{
		on:           on,
		loginIP:      newLimiter(6*time.Second, 10),
		loginAccount: newLimiter(time.Minute, 5),
		register:     newLimiter(10*time.Second, 20),
		verify:       newLimiter(20*time.Millisecond, 100),
		quit:         make(chan struct{}),
	}
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case now := <-t.C:
				for _, x := range []*limiter{l.loginIP, l.loginAccount, l.register, l.verify} {
					x.mu.Lock()
					x.pruneLocked(now, 10*time.Minute)
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

// check returns a 429 error when key has used up its bucket.
func (l *limiters) check(x *limiter, key string) error {
	if !l.on {
		return nil
	}
	if ok, wait := x.allow(key); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		return errRateLimited.With("retry_after", secs)
	}
	return nil
}

// peek reports whether key has a token left without taking it.
func (l *limiter) peek(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return true, 0
	}
	if tok := b.lim.TokensAt(time.Now()); tok < 1 {
		return false, time.Duration((1 - tok) / float64(l.every) * float64(time.Second))
	}
	return true, 0
}
