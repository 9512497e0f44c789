package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// vmHWM reads a process's peak resident set size (KiB) from /proc.
func vmHWM(t *testing.T, pid int) int {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc to measure memory: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// Each argon2id hash holds 19 MiB. 200 parallel sign-ins from 4 client
// addresses must not take the real binary's peak RSS past 250 MiB: hashing
// runs in at most one slot per core, and the rest wait briefly or get 503.
// With the rate limits on, the per-address budgets let 40 through to the
// hash; with them off (a gateway limits instead), all 200 reach it.
func TestParallelLoginsBoundMemory(t *testing.T) {
	bin := buildBinary(t)
	for _, limits := range []string{"1", "0"} {
		t.Run("RateLimits"+limits, func(t *testing.T) {
			c := startChild(t, bin, filepath.Join(t.TempDir(), "m.db"), freeAddr(t),
				"MOPSCERT_RATE_LIMITS="+limits, "MOPSCERT_TRUSTED_PROXIES=127.0.0.0/8", "MOPSCERT_DEFAULT_BANK=0")
			before := vmHWM(t, c.cmd.Process.Pid)
			hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: 200}}
			var mu sync.Mutex
			counts := map[int]int{}
			var wg sync.WaitGroup
			for i := range 200 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Unknown addresses still cost a full hash (so timing does
					// not reveal which accounts exist); every one is a distinct
					// account, so only the per-address budget bounds them.
					body := fmt.Sprintf(`{"email":"user%d@example.com","password":"not the password"}`, i)
					req, _ := http.NewRequest("POST", c.base+"/api/v1/auth/login", bytes.NewBufferString(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.0.%d", i%4+1))
					res, err := hc.Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					res.Body.Close()
					if res.StatusCode == 503 && res.Header.Get("Retry-After") == "" {
						t.Error("503 without Retry-After")
					}
					mu.Lock()
					counts[res.StatusCode]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			peak := vmHWM(t, c.cmd.Process.Pid)
			t.Logf("statuses %v; VmHWM %.1f MiB after start, %.1f MiB peak", counts, float64(before)/1024, float64(peak)/1024)
			if counts[401]+counts[429]+counts[503] != 200 {
				t.Errorf("statuses %v: want only 401, 429 and 503", counts)
			}
			if counts[401] == 0 {
				t.Errorf("statuses %v: no sign-in was checked at all", counts)
			}
			if peak > 250*1024 {
				t.Fatalf("peak RSS %.1f MiB, want under 250 MiB", float64(peak)/1024)
			}
		})
	}
}
