package web

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
)

var throttleT0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// throttles builds each implementation of signInThrottle on its own fresh
// database; perAddress says whether it keeps the address budget.
func throttles(t *testing.T) []struct {
	name       string
	th         signInThrottle
	perAddress bool
} {
	d := dbtest.Open(t)
	d2 := dbtest.Open(t)
	return []struct {
		name       string
		th         signInThrottle
		perAddress bool
	}{
		{"Memory", newMemorySignInThrottle(), true},
		{"Database", dbSignInThrottle{db: d}, false},
		{"Shared", sharedSignInThrottle{mem: newMemorySignInThrottle(), shared: dbSignInThrottle{db: d2}}, true},
	}
}

func mustReserve(t *testing.T, th signInThrottle, a signInAttempt, now time.Time) (func(bool, time.Time), time.Duration, bool) {
	t.Helper()
	done, wait, ok, err := th.reserve(context.Background(), a, now)
	if err != nil {
		t.Fatal(err)
	}
	return done, wait, ok
}

func TestSignInThrottle(t *testing.T) {
	for _, tt := range throttles(t) {
		t.Run(tt.name, func(t *testing.T) {
			now := throttleT0
			t.Run("ErrAccountBudget", func(t *testing.T) {
				for i := range signInAccountBurst {
					done, _, ok := mustReserve(t, tt.th, signInAttempt{account: "a@example.com", addr: fmt.Sprintf("192.0.2.%d", i)}, now)
					if !ok {
						t.Fatalf("guess %d refused within the burst", i+1)
					}
					done(false, now)
				}
				_, wait, ok := mustReserve(t, tt.th, signInAttempt{account: "a@example.com", addr: "192.0.2.99"}, now)
				if ok {
					t.Fatal("guess past the account's burst allowed")
				}
				if wait <= 0 || wait > signInAccountEvery {
					t.Errorf("wait = %v, want (0, %v]", wait, signInAccountEvery)
				}
				if _, _, ok := mustReserve(t, tt.th, signInAttempt{account: "a@example.com", addr: "192.0.2.99"}, now.Add(signInAccountEvery)); !ok {
					t.Error("no token back after a minute")
				}
			})
			t.Run("OKSuccessGivesBack", func(t *testing.T) {
				for i := range 3 * signInAccountBurst {
					done, _, ok := mustReserve(t, tt.th, signInAttempt{account: "b@example.com", addr: "192.0.2.1"}, now)
					if !ok {
						t.Fatalf("sign-in %d refused although every one succeeded", i+1)
					}
					done(true, now)
				}
			})
			t.Run("OKDeviceHasOwnBudget", func(t *testing.T) {
				for range signInAccountBurst + 1 {
					if done, _, ok := mustReserve(t, tt.th, signInAttempt{account: "c@example.com", addr: "203.0.113.9"}, now); ok {
						done(false, now)
					}
				}
				for i := range signInDeviceBurst {
					done, _, ok := mustReserve(t, tt.th, signInAttempt{account: "c@example.com", addr: "203.0.113.9", device: "dev1"}, now)
					if !ok {
						t.Fatalf("owner's device refused at typo %d while the account is attacked", i+1)
					}
					done(false, now)
				}
				if _, _, ok := mustReserve(t, tt.th, signInAttempt{account: "c@example.com", device: "dev1"}, now); ok {
					t.Error("device past its own burst allowed")
				}
			})
			t.Run("ErrAddressBudget", func(t *testing.T) {
				allowed := 0
				for i := range 2 * signInAddrBurst {
					if done, _, ok := mustReserve(t, tt.th, signInAttempt{account: fmt.Sprintf("u%d@example.com", i), addr: "198.51.100.7"}, now); ok {
						allowed++
						done(false, now)
					}
				}
				want := 2 * signInAddrBurst
				if tt.perAddress {
					want = signInAddrBurst
				}
				if allowed != want {
					t.Errorf("one address guessing at many accounts: %d allowed, want %d", allowed, want)
				}
			})
		})
	}
}

// Two nodes, each with its own memory, on one database: the account's
// budget is one budget, however the guesses are spread, even all at once.
func TestSignInThrottleAcrossNodes(t *testing.T) {
	d := dbtest.Open(t)
	nodes := []signInThrottle{
		sharedSignInThrottle{mem: newMemorySignInThrottle(), shared: dbSignInThrottle{db: d}},
		sharedSignInThrottle{mem: newMemorySignInThrottle(), shared: dbSignInThrottle{db: d}},
		sharedSignInThrottle{mem: newMemorySignInThrottle(), shared: dbSignInThrottle{db: d}},
	}
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, _, ok, err := nodes[i%len(nodes)].reserve(context.Background(), signInAttempt{account: "x@example.com", addr: fmt.Sprintf("192.0.2.%d", i)}, throttleT0)
			if err != nil {
				t.Error(err)
				return
			}
			if ok {
				done(false, throttleT0)
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != signInAccountBurst {
		t.Errorf("30 parallel guesses over 3 nodes: %d allowed, want %d", allowed, signInAccountBurst)
	}
}

// A refused shared take gives this node's memory its token back, and a
// refusal in the database leaves its other budgets untouched.
func TestDBTakeAllOrNothing(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	one := dbBudget{"test-one", time.Minute, 1}
	many := dbBudget{"test-many", time.Minute, 3}
	take := func(want ...dbTake) bool {
		ok, _, err := dbTakeAll(ctx, d, want, throttleT0)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !take(dbTake{one, "k"}) {
		t.Fatal("first take refused")
	}
	for range 3 {
		if take(dbTake{many, "k"}, dbTake{one, "k"}) {
			t.Fatal("take with a spent budget allowed")
		}
	}
	for i := range 3 {
		if !take(dbTake{many, "k"}) {
			t.Fatalf("take %d of a budget a refusal must not have charged: refused", i+1)
		}
	}
	if got := countRows(t, d); got != 2 {
		t.Errorf("rows = %d, want 2", got)
	}
	if err := pruneRateLimits(ctx, d, throttleT0.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, d); got != 0 {
		t.Errorf("rows after pruning full budgets = %d, want 0", got)
	}
}

func countRows(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.R.QueryRow(`SELECT count(*) FROM rate_limits`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
