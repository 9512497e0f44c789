package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
	"testing"
	"time"
)

// newProxiedServer trusts X-Forwarded-For from loopback, so a test can
// play clients at many addresses.
func newProxiedServer(t *testing.T) *testServer {
	return newTestServerConfig(t, func(c *Config) { c.TrustedProxies = []string{"127.0.0.0/8"} })
}

// loginFrom signs in through the JSON API as a client at addr, keeping
// cookies in hc's jar (nil: a client that keeps none).
func (ts *testServer) loginFrom(t testing.TB, hc *http.Client, addr, email, password string) int {
	t.Helper()
	if hc == nil {
		hc = http.DefaultClient
	}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/auth/login", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// Thirty parallel wrong guesses, each from its own address so only the
// account's budget applies: the budget is taken before the hash, so no more
// than its burst are checked and the rest are refused with 429.
func TestLoginBudgetReservedBeforeHash(t *testing.T) {
	ts := newProxiedServer(t)
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := ts.loginFrom(t, nil, fmt.Sprintf("198.51.100.%d", i+1), "admin@example.com", "wrong password guess")
			mu.Lock()
			counts[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	// Only requests inside the budget reach the password hash; on a loaded
	// machine one of those may wait too long for the hashing gate and get
	// 503, which is still no guess let through.
	if hashed := counts[401] + counts[503]; hashed > signInAccountBurst || hashed+counts[429] != 30 {
		t.Fatalf("status counts %v: want at most %d × 401 or 503 and the rest 429", counts, signInAccountBurst)
	}
}

// OWASP's lockout resistance: an attacker guessing from other addresses
// for two minutes exhausts the budget of unknown clients, but the owner's
// browser, known by its device cookie, still signs in.
func TestOwnerSignsInDespiteAttack(t *testing.T) {
	ts := newProxiedServer(t)
	const email, password = "owner@example.com", "owner's long passphrase"
	if r := ts.call(t, "POST", "/api/v1/auth/register", "", map[string]string{"email": email, "name": "Owner", "password": password}); r.status != 201 {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	jar, _ := cookiejar.New(nil)
	owner := &http.Client{Jar: jar}
	if got := ts.loginFrom(t, owner, "192.0.2.10", email, password); got != 200 {
		t.Fatalf("owner's first sign-in: %d", got)
	}
	// The owner's session ends (idle timeout); the device cookie stays.
	u, _ := url.Parse(ts.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1}})

	refused := 0
	for i := range 20 { // one guess every 6 s for two minutes
		if ts.loginFrom(t, nil, fmt.Sprintf("198.51.100.%d", i+1), email, "a wrong guess "+fmt.Sprint(i)) == 429 {
			refused++
		}
		ts.clk.Advance(6 * time.Second)
	}
	if refused == 0 {
		t.Fatal("two minutes of guessing were never throttled")
	}
	if got := ts.loginFrom(t, nil, "203.0.113.7", email, password); got != 429 {
		t.Errorf("unknown client with the right password during the attack: %d, want 429", got)
	}
	if got := ts.loginFrom(t, owner, "192.0.2.10", email, password); got != 200 {
		t.Fatalf("owner from their usual browser during the attack: %d, want 200", got)
	}
	jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1}})
	// The device cookie is the owner's: from the attacker's address it still
	// works, and it has a budget of its own for the owner's typos.
	for i := range signInDeviceBurst {
		if got := ts.loginFrom(t, owner, "198.51.100.1", email, "typo"+fmt.Sprint(i)); got != 401 {
			t.Fatalf("owner's typo %d: %d, want 401", i, got)
		}
	}
	if got := ts.loginFrom(t, owner, "198.51.100.1", email, "typo again"); got != 429 {
		t.Fatalf("owner's device after %d typos: %d, want 429", signInDeviceBurst, got)
	}
}
