package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// child is the real mopscert binary running as a separate process.
type child struct {
	cmd  *exec.Cmd
	base string
}

// buildBinary compiles cmd/mopscert once for the restart test.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "mopscert")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startChild starts the binary with rate limits off; extraEnv (later
// entries win) changes that or anything else.
func startChild(t *testing.T, bin, dbPath, addr string, extraEnv ...string) *child {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"MOPSCERT_DB="+dbPath, "MOPSCERT_ADDR="+addr, "MOPSCERT_BASE_URL=http://"+addr,
		"MOPSCERT_ADMIN_EMAIL="+adminEmail, "MOPSCERT_ADMIN_PASSWORD="+adminPassword,
		"MOPSCERT_RATE_LIMITS=0", "MOPSCERT_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, extraEnv...)
	logf, err := os.Create(filepath.Join(t.TempDir(), "child.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, base: "http://" + addr}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	probe := newClient(t, c.base)
	probe.http.Timeout = time.Second
	for i := 0; i < 300; i++ {
		res, err := probe.http.Get(c.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return c
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	data, _ := os.ReadFile(logf.Name())
	t.Fatalf("the server did not become ready:\n%s", data)
	return nil
}

// kill stops the child the hard way: no shutdown, no flush, no goodbye.
func (c *child) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = c.cmd.Process.Wait()
}

type attemptView struct {
	ID               string    `json:"id"`
	Status           string    `json:"status"`
	Deadline         time.Time `json:"deadline"`
	RemainingSeconds int       `json:"remaining_seconds"`
	Questions        []struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Options []struct {
			ID string `json:"id"`
		} `json:"options"`
		Answer *struct {
			Choices []string `json:"choices"`
			Flagged bool     `json:"flagged"`
		} `json:"answer"`
	} `json:"questions"`
}

func TestRestartKeepsAcknowledgedAnswers(t *testing.T) {
	bin := buildBinary(t)
	dbPath := filepath.Join(t.TempDir(), "restart.db")
	addr := freeAddr(t)
	srv := startChild(t, bin, dbPath, addr)

	cand := register(t, srv.base, "restart@example.com")
	r := cand.do("POST", "/api/v1/attempts", map[string]string{"tier": "foundation"}, nil)
	mustStatus(t, r, 201)
	var a attemptView
	r.json(t, &a)

	// Eight clients save answers, one question each at a time, while the
	// server is killed part-way: every save that got its 200 must survive.
	type ack struct {
		choice  string
		flagged bool
	}
	var mu sync.Mutex
	acked := map[string]ack{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := newClient(t, srv.base)
			c.token = cand.token
			c.http.Timeout = 5 * time.Second
			for i := w; i < len(a.Questions); i += 8 {
				select {
				case <-stop:
					return
				default:
				}
				q := a.Questions[i]
				switch q.Type {
				case "single", "multiple", "true_false":
				default:
					continue // typed answers have their own tests; one shape of save is enough here
				}
				choice := q.Options[(i+w)%len(q.Options)].ID
				res, err := c.http.Do(mustReq(t, "PUT", srv.base+"/api/v1/attempts/"+a.ID+"/answers/"+q.ID,
					fmt.Sprintf(`{"choices":[%q],"flagged":%v}`, choice, i%3 == 0), c.token))
				if err != nil {
					return // the server is gone; this save was never acknowledged
				}
				res.Body.Close()
				if res.StatusCode == 200 {
					mu.Lock()
					acked[q.ID] = ack{choice, i%3 == 0}
					mu.Unlock()
				}
			}
		}(w)
	}
	// Kill once about half the answers are acknowledged.
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= len(a.Questions)/2 {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	srv.kill(t)
	killedAt := time.Now()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no answer was acknowledged before the kill")
	}

	time.Sleep(1500 * time.Millisecond) // the clock keeps running while the server is down
	srv = startChild(t, bin, dbPath, addr)
	cand.base = srv.base
	r = cand.do("GET", "/api/v1/attempts/"+a.ID, nil, nil)
	mustStatus(t, r, 200)
	var after attemptView
	r.json(t, &after)

	for _, q := range after.Questions {
		want, ok := acked[q.ID]
		if !ok {
			continue // never acknowledged: may or may not have been committed
		}
		if q.Answer == nil || len(q.Answer.Choices) != 1 || q.Answer.Choices[0] != want.choice || q.Answer.Flagged != want.flagged {
			t.Errorf("question %s: acknowledged %+v, after restart %+v", q.ID, want, q.Answer)
		}
	}
	if !after.Deadline.Equal(a.Deadline) {
		t.Errorf("deadline moved from %v to %v", a.Deadline, after.Deadline)
	}
	// The time left follows the server clock through the outage.
	wantLeft := int(time.Until(a.Deadline).Seconds())
	if d := after.RemainingSeconds - wantLeft; d < -2 || d > 2 {
		t.Errorf("remaining %d s after restart, want about %d s", after.RemainingSeconds, wantLeft)
	}
	if after.Status != "in_progress" {
		t.Errorf("status after restart = %s", after.Status)
	}
	t.Logf("%d of %d answers acknowledged before SIGKILL; all found after restart (down %.1fs)", len(acked), len(a.Questions), time.Since(killedAt).Seconds())
}
