package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mopscert/mopscert/db/dbtest"
)

// BenchmarkSignInReserve is the throttle alone: a wrong-password guess
// reserved and charged (each from a new address, so the address budget
// never refuses), in memory and in memory plus the shared database.
func BenchmarkSignInReserve(b *testing.B) {
	for _, name := range []string{"Memory", "Shared"} {
		b.Run(name, func(b *testing.B) {
			var th signInThrottle = newMemorySignInThrottle()
			if name == "Shared" {
				th = sharedSignInThrottle{mem: newMemorySignInThrottle(), shared: dbSignInThrottle{db: dbtest.Open(b)}}
			}
			var n atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					// A new account each time: every attempt passes and writes.
					done, _, ok, err := th.reserve(context.Background(), signInAttempt{account: fmt.Sprintf("u%d@example.com", i), addr: fmt.Sprintf("a%d", i)}, throttleT0)
					if err != nil || !ok {
						b.Fatalf("reserve: %v %v", ok, err)
					}
					done(true, throttleT0)
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reserves/s")
		})
	}
}

// BenchmarkLoginHTTP is a successful sign-in end to end (the argon2id hash
// included) with the sign-in budgets in memory or shared in the database.
func BenchmarkLoginHTTP(b *testing.B) {
	for _, name := range []string{"Memory", "Shared"} {
		b.Run(name, func(b *testing.B) {
			ts := newTestServerConfig(b, func(c *Config) { c.TrustedProxies = []string{"127.0.0.0/8"} })
			if name == "Memory" {
				ts.srv.limits.signIn = newMemorySignInThrottle()
			}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			var n atomic.Int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					req, _ := http.NewRequest("POST", ts.URL+"/api/v1/auth/login",
						strings.NewReader(`{"email":"admin@example.com","password":"admin password here"}`))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
					res, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					res.Body.Close()
					if res.StatusCode != 200 {
						b.Fatalf("status %d", res.StatusCode)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
		})
	}
}
