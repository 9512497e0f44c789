package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the test's own look at the database
)

// The multi-node test: three real `mopscert serve` processes on one
// PostgreSQL database behind a real HAProxy (round-robin, no stickiness,
// health checks on /readyz, X-Forwarded-For), started here. It needs
// MOPSCERT_TEST_POSTGRES and haproxy on PATH; without them it skips, or
// fails under MOPSCERT_REQUIRE_TOOLS=1.

// needMultiNodeTools returns the PostgreSQL server URL and haproxy's path.
func needMultiNodeTools(t *testing.T) (string, string) {
	t.Helper()
	server := os.Getenv("MOPSCERT_TEST_POSTGRES")
	haproxy, err := exec.LookPath("haproxy")
	var missing []string
	if server == "" {
		missing = append(missing, "MOPSCERT_TEST_POSTGRES (a PostgreSQL server URL)")
	}
	if err != nil {
		missing = append(missing, "haproxy on PATH (apt-get install haproxy)")
	}
	if len(missing) > 0 {
		msg := "multi-node test skipped: needs " + strings.Join(missing, " and ")
		if os.Getenv("MOPSCERT_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg + " (MOPSCERT_REQUIRE_TOOLS=1)")
		}
		t.Skip(msg)
	}
	return server, haproxy
}

// nodeDatabase creates an empty database mopscert_n_<random> on server,
// dropped when the test ends, and returns its URL and a connection to it.
func nodeDatabase(t *testing.T, server string) (string, *sql.DB) {
	t.Helper()
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "mopscert_n_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE DATABASE ` + pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + pgx.Identifier{name}.Sanitize() + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	conn, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return u.String(), conn
}

// cluster is three nodes and the load balancer in front of them.
type cluster struct {
	lb    string // http://127.0.0.1:port of HAProxy: the public base URL
	nodes []*node
}

type node struct {
	cmd  *exec.Cmd
	base string
	log  string
	dead bool
}

func (n *node) kill(t *testing.T) {
	t.Helper()
	if err := n.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown at all
		t.Fatal(err)
	}
	_, _ = n.cmd.Process.Wait()
	n.dead = true
}

// startCluster starts n nodes at the same moment on the empty database dsn
// (so they race through migrations and the first admin), then HAProxy.
func startCluster(t *testing.T, bin, haproxy, dsn string, n int) *cluster {
	t.Helper()
	dir := t.TempDir()
	lbAddr := freeAddr(t)
	c := &cluster{lb: "http://" + lbAddr}
	for i := range n {
		addr := freeAddr(t)
		cmd := exec.Command(bin, "serve", "--sweep-every", "200ms", "--grace", "1s")
		cmd.Env = append(os.Environ(),
			"MOPSCERT_DB="+dsn, "MOPSCERT_ADDR="+addr,
			"MOPSCERT_BASE_URL="+c.lb, // the same on every node: tokens carry it as their issuer
			"MOPSCERT_TRUSTED_PROXIES=127.0.0.1/32",
			"MOPSCERT_ADMIN_EMAIL="+adminEmail, "MOPSCERT_ADMIN_PASSWORD="+adminPassword,
			"MOPSCERT_DEFAULT_BANK=0", "MOPSCERT_RATE_LIMITS=1", "MOPSCERT_DB_MAX_CONNS=10",
			"MOPSCERT_LOG_LEVEL=warn")
		logPath := filepath.Join(dir, fmt.Sprintf("node%d.log", i+1))
		logf, err := os.Create(logPath)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		nd := &node{cmd: cmd, base: "http://" + addr, log: logPath}
		t.Cleanup(func() {
			if !nd.dead {
				_ = cmd.Process.Kill()
				_, _ = cmd.Process.Wait()
			}
			if t.Failed() {
				data, _ := os.ReadFile(logPath)
				t.Logf("%s log:\n%s", nd.base, data)
			}
		})
		c.nodes = append(c.nodes, nd)
	}
	for _, nd := range c.nodes {
		waitReady(t, nd.base, nd.log)
	}
	cfg := filepath.Join(dir, "haproxy.cfg")
	var servers strings.Builder
	for i, nd := range c.nodes {
		fmt.Fprintf(&servers, "    server n%d %s check\n", i+1, strings.TrimPrefix(nd.base, "http://"))
	}
	// Round-robin with no stickiness; a node is taken out after two failed
	// /readyz checks 300 ms apart; a request whose connection is refused is
	// retried on another node (redispatch).
	conf := `global
    maxconn 4000
defaults
    mode http
    option forwardfor
    option redispatch
    retries 3
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 2s
frontend public
    bind ` + lbAddr + `
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 300ms fall 2 rise 2
` + servers.String()
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(haproxy, "-c", "-f", cfg).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s", err, out)
	}
	lbLog := filepath.Join(dir, "haproxy.log")
	logf, err := os.Create(lbLog)
	if err != nil {
		t.Fatal(err)
	}
	lb := exec.Command(haproxy, "-db", "-f", cfg) // -db: foreground
	lb.Stdout, lb.Stderr = logf, logf
	if err := lb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lb.Process.Kill(); _, _ = lb.Process.Wait() })
	// Ready once every node answered through it at least once.
	waitReady(t, c.lb, lbLog)
	return c
}

func waitReady(t *testing.T, base, logPath string) {
	t.Helper()
	probe := newClient(t, base)
	probe.http.Timeout = time.Second
	for range 600 {
		if res, err := probe.http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	data, _ := os.ReadFile(logPath)
	t.Fatalf("%s did not become ready:\n%s", base, data)
}

// seedChoiceTier gives the empty bank six single-choice items whose right
// option reads "right", and makes them the foundation blueprint, through
// the admin API.
func seedChoiceTier(t *testing.T, admin *client) {
	t.Helper()
	domains := []string{"concepts", "concepts", "tools", "tools", "soft_skills", "soft_skills"}
	topics := []string{"lead routing", "consent records", "bounce handling", "field governance", "intake briefs", "campaign naming"}
	for i, d := range domains {
		item := map[string]any{
			"id": fmt.Sprintf("node-%02d", i+1), "status": "active", "domain": d, "tiers": []string{"foundation"},
			"topic": topics[i], "type": "single",
			"stem": fmt.Sprintf("Fixture question %d on %s: which of the four labelled answers is marked as the right one?", i+1, topics[i]),
			"options": []map[string]any{{"text": fmt.Sprintf("The right answer %d", i+1), "correct": true},
				{"text": fmt.Sprintf("A wrong answer %d", i+1)}, {"text": fmt.Sprintf("Another wrong answer %d", i+1)}, {"text": fmt.Sprintf("A third wrong answer %d", i+1)}},
			"rationale": "A fixture.", "source": "Test fixture",
		}
		mustStatus(t, admin.do("POST", "/api/v1/admin/items", item, nil), 201)
	}
	mustStatus(t, admin.do("PUT", "/api/v1/admin/tiers/foundation", map[string]any{
		"blueprint": map[string]int{"concepts": 2, "tools": 2, "soft_skills": 2}, "time_limit_seconds": 3600}, nil), 200)
}

type nodeQuestion struct {
	ID      string `json:"id"`
	Options []struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"options"`
	Answer *struct {
		Choices []string `json:"choices"`
	} `json:"answer"`
}

type nodeAttempt struct {
	ID        string         `json:"id"`
	Status    string         `json:"status"`
	Deadline  time.Time      `json:"deadline"`
	Questions []nodeQuestion `json:"questions"`
}

type nodeResult struct {
	Outcome       string    `json:"outcome"`
	AutoSubmitted bool      `json:"auto_submitted"`
	SubmittedAt   time.Time `json:"submitted_at"`
	Certificate   *struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	} `json:"certificate"`
}

func startAttempt(t *testing.T, c *client) nodeAttempt {
	t.Helper()
	r := c.do("POST", "/api/v1/attempts", map[string]string{"tier": "foundation"}, nil)
	mustStatus(t, r, 201)
	var a nodeAttempt
	r.json(t, &a)
	return a
}

// answerRight saves the right option of every question.
func answerRight(t *testing.T, c *client, a nodeAttempt) {
	t.Helper()
	for _, q := range a.Questions {
		for _, o := range q.Options {
			if strings.Contains(o.Text, "The right answer") {
				mustStatus(t, c.do("PUT", "/api/v1/attempts/"+a.ID+"/answers/"+q.ID, map[string]any{"choices": []string{o.ID}, "flagged": false}, nil), 200)
			}
		}
	}
}

// on returns a copy of c that talks to another base URL with the same token.
func on(c *client, base string) *client {
	d := newClient(c.t, base)
	d.token = c.token
	return d
}

func tokenKid(t *testing.T, token string) string {
	t.Helper()
	h, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var hdr struct {
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(h, &hdr); err != nil {
		t.Fatal(err)
	}
	return hdr.Kid
}

func countRows(t *testing.T, conn *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestThreeNodesBehindHAProxy(t *testing.T) {
	server, haproxy := needMultiNodeTools(t)
	bin := buildBinary(t)
	dsn, conn := nodeDatabase(t, server)
	c := startCluster(t, bin, haproxy, dsn, 3)
	if n := countRows(t, conn, `SELECT count(*) FROM users WHERE role = 'admin'`); n != 1 {
		t.Fatalf("three nodes starting at once on an empty database made %d admins, want 1", n)
	}
	if n := countRows(t, conn, `SELECT count(*) FROM signing_keys`); n != 1 {
		t.Fatalf("three nodes starting at once made %d signing keys, want 1", n)
	}
	admin := newClient(t, c.lb)
	mustStatus(t, admin.login(adminEmail, adminPassword), 200)
	seedChoiceTier(t, admin)

	t.Run("ErrWrongPasswordsShareAccountLimit", func(t *testing.T) {
		register(t, c.lb, "target@example.com")
		// Thirty guesses at once, each from its own client address (HAProxy
		// passes X-Forwarded-For on), spread round-robin over the nodes:
		// only the account's budget applies, and it is one budget.
		var mu sync.Mutex
		counts := map[int]int{}
		var wg sync.WaitGroup
		for i := range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g := newClient(t, c.lb)
				r := g.do("POST", "/api/v1/auth/login", map[string]string{"email": "target@example.com", "password": "a wrong guess " + fmt.Sprint(i)},
					map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i+1)})
				mu.Lock()
				counts[r.Status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if counts[401] < 1 || counts[401] > 5 || counts[401]+counts[429] != 30 {
			t.Fatalf("30 parallel wrong passwords over 3 nodes: %v; want 1–5 × 401 (the account's budget of 5) and the rest 429", counts)
		}
		t.Logf("30 parallel wrong passwords: %v", counts)
	})

	t.Run("OKLogoutHonouredOnEveryNode", func(t *testing.T) {
		u := register(t, c.nodes[0].base, "leaver@example.com")
		other := newClient(t, c.nodes[0].base)
		mustStatus(t, other.login("leaver@example.com", "correct horse battery"), 200)
		for _, tt := range []struct {
			name   string
			c      *client
			revoke func()
		}{
			{"Logout", u, func() { mustStatus(t, u.do("POST", "/api/v1/auth/logout", nil, nil), 204) }},
			{"PasswordChange", other, func() {
				// From a third session, which the change keeps.
				third := newClient(t, c.nodes[0].base)
				mustStatus(t, third.login("leaver@example.com", "correct horse battery"), 200)
				mustStatus(t, third.do("POST", "/api/v1/me/password", map[string]string{"current_password": "correct horse battery", "new_password": "another long passphrase"}, nil), 204)
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				for _, nd := range c.nodes[1:] { // freshly cached there
					mustStatus(t, on(tt.c, nd.base).do("GET", "/api/v1/me", nil, nil), 200)
				}
				tt.revoke()
				at := time.Now()
				for _, nd := range c.nodes[1:] {
					for {
						r := on(tt.c, nd.base).do("GET", "/api/v1/me", nil, nil)
						if r.Status == 401 {
							break
						}
						if since := time.Since(at); since > 2*time.Second {
							t.Fatalf("%s: the session still works on %s %v after it ended on %s (status %d)", tt.name, nd.base, since, c.nodes[0].base, r.Status)
						}
						time.Sleep(50 * time.Millisecond)
					}
				}
				t.Logf("%s on one node refused on the others after %v", tt.name, time.Since(at).Round(time.Millisecond))
			})
		}
	})

	t.Run("OKRotatedKeyAndFiftySubmits", func(t *testing.T) {
		// A certificate under the first key, verified on every node, so each
		// node has the first key loaded and none has the next.
		first := register(t, c.lb, "first@example.com")
		a := startAttempt(t, first)
		answerRight(t, first, a)
		r := first.do("POST", "/api/v1/attempts/"+a.ID+"/submit", nil, nil)
		mustStatus(t, r, 200)
		var res nodeResult
		r.json(t, &res)
		if res.Certificate == nil {
			t.Fatalf("right answers gave %+v, no certificate", res)
		}
		for _, nd := range c.nodes {
			r := newClient(t, nd.base).do("GET", "/api/v1/verify?token="+res.Certificate.Token, nil, nil)
			if mustStatus(t, r, 200); !strings.Contains(string(r.Body), `"status":"valid"`) {
				t.Fatalf("%s verifying the first certificate: %s", nd.base, r.Body)
			}
		}
		// Rotate on node 1 only.
		r = on(admin, c.nodes[0].base).do("POST", "/api/v1/admin/keys/rotate", nil, nil)
		mustStatus(t, r, 200)
		var rot struct{ Kid string }
		r.json(t, &rot)

		// Fifty submits of one attempt at once, spread over the nodes.
		cand := register(t, c.lb, "fifty@example.com")
		a = startAttempt(t, cand)
		answerRight(t, cand, a)
		var mu sync.Mutex
		certs := map[string]int{}
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := on(cand, c.lb).do("POST", "/api/v1/attempts/"+a.ID+"/submit", nil, nil)
				var res nodeResult
				if r.Status == 200 {
					_ = json.Unmarshal(r.Body, &res)
				}
				mu.Lock()
				defer mu.Unlock()
				statuses[r.Status]++
				if res.Certificate != nil {
					certs[res.Certificate.ID+" "+res.Certificate.Token]++
				}
			}()
		}
		wg.Wait()
		if statuses[200] != 50 || len(certs) != 1 {
			t.Fatalf("50 parallel submits: statuses %v, certificates %v; want 50 × 200 with one certificate", statuses, certs)
		}
		if n := countRows(t, conn, `SELECT count(*) FROM credentials WHERE attempt_id = $1`, a.ID); n != 1 {
			t.Errorf("credentials for the attempt = %d, want 1", n)
		}
		if n := countRows(t, conn, `SELECT count(*) FROM mail_outbox WHERE kind = 'result_available' AND args LIKE $1`, "%"+a.ID+"%"); n != 1 {
			t.Errorf("result mails for the attempt = %d, want 1", n)
		}
		var token string
		for k := range certs {
			token = strings.SplitN(k, " ", 2)[1]
		}
		if kid := tokenKid(t, token); kid != rot.Kid {
			t.Errorf("certificate signed with %s after the rotation to %s", kid, rot.Kid)
		}
		for _, nd := range c.nodes {
			r := newClient(t, nd.base).do("GET", "/api/v1/verify?token="+token, nil, nil)
			if mustStatus(t, r, 200); !strings.Contains(string(r.Body), `"status":"valid"`) {
				t.Errorf("%s verifying a certificate under the key rotated on %s: %s", nd.base, c.nodes[0].base, r.Body)
			}
			if r := newClient(t, nd.base).do("GET", "/.well-known/jwks.json", nil, nil); !strings.Contains(string(r.Body), rot.Kid) {
				t.Errorf("%s JWKS lacks the rotated key: %s", nd.base, r.Body)
			}
		}
	})

	t.Run("OKAutosaveThroughNodeKill", func(t *testing.T) {
		const cands = 6
		type cand struct {
			c *client
			a nodeAttempt
		}
		var cs []cand
		for i := range cands {
			cl := register(t, c.lb, fmt.Sprintf("saver%d@example.com", i))
			cs = append(cs, cand{cl, startAttempt(t, cl)})
		}
		// Each candidate saves its questions round after round with a new
		// choice each time, repeating a save until it is acknowledged (as
		// the exam page does), so the last acknowledged choice of each
		// question is what must be stored, whatever node died meanwhile.
		var mu sync.Mutex
		acked := make([]map[string]string, cands)
		total, failures := 0, 0
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for i, cd := range cs {
			acked[i] = map[string]string{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				cl := on(cd.c, c.lb)
				cl.http.Timeout = 10 * time.Second
				for round := 0; ; round++ {
					for qi, q := range cd.a.Questions {
						choice := q.Options[(round+qi)%len(q.Options)].ID
						body := fmt.Sprintf(`{"choices":[%q],"flagged":false}`, choice)
						for try := 0; ; try++ {
							select {
							case <-stop:
								return
							default:
							}
							res, err := cl.http.Do(mustReq(t, "PUT", c.lb+"/api/v1/attempts/"+cd.a.ID+"/answers/"+q.ID, body, cl.token))
							if err == nil {
								res.Body.Close()
								if res.StatusCode == 200 {
									mu.Lock()
									acked[i][q.ID] = choice
									total++
									mu.Unlock()
									break
								}
								if res.StatusCode < 500 {
									t.Errorf("save refused with %d", res.StatusCode)
									return
								}
							}
							mu.Lock()
							failures++
							mu.Unlock()
							if try > 100 {
								t.Errorf("a save was never acknowledged after %d tries: %v", try, err)
								return
							}
							time.Sleep(50 * time.Millisecond)
						}
					}
				}
			}()
		}
		waitTotal := func(n int) {
			deadline := time.Now().Add(60 * time.Second)
			for time.Now().Before(deadline) {
				mu.Lock()
				got := total
				mu.Unlock()
				if got >= n {
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
			t.Fatalf("fewer than %d saves acknowledged in a minute", n)
		}
		waitTotal(150)
		victim := c.nodes[1]
		victim.kill(t)
		mu.Lock()
		atKill := total
		mu.Unlock()
		waitTotal(atKill + 300)
		close(stop)
		wg.Wait()
		t.Logf("%d saves acknowledged (%d before SIGKILL of %s), %d tries failed and were repeated", total, atKill, victim.base, failures)

		for i, cd := range cs {
			r := cd.c.do("GET", "/api/v1/attempts/"+cd.a.ID, nil, nil)
			mustStatus(t, r, 200)
			var got nodeAttempt
			r.json(t, &got)
			for _, q := range got.Questions {
				want := acked[i][q.ID]
				if want == "" {
					continue
				}
				if q.Answer == nil || len(q.Answer.Choices) != 1 || q.Answer.Choices[0] != want {
					t.Errorf("attempt %s question %s: acknowledged %q, stored %+v", cd.a.ID, q.ID, want, q.Answer)
				}
			}
			// The attempt finishes on the nodes that are left.
			r = cd.c.do("POST", "/api/v1/attempts/"+cd.a.ID+"/submit", nil, nil)
			mustStatus(t, r, 200)
		}
	})

	t.Run("OKSweeperClosesOnce", func(t *testing.T) {
		mustStatus(t, admin.do("PUT", "/api/v1/admin/tiers/foundation", map[string]any{"time_limit_seconds": 5}, nil), 200)
		late := register(t, c.lb, "late@example.com")
		a := startAttempt(t, late)
		answerRight(t, late, a)
		// Deadline 5 s, grace 1 s, sweeps every 200 ms on each live node.
		for deadline := time.Now().Add(30 * time.Second); ; {
			if countRows(t, conn, `SELECT count(*) FROM attempts WHERE id = $1 AND status = 'expired'`, a.ID) == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the expired attempt was not swept within 30 s")
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(time.Second) // a few more sweeps on every node
		// The deadline as stored (PostgreSQL keeps microseconds; the start
		// answer showed the clock's nanoseconds).
		r := late.do("GET", "/api/v1/attempts/"+a.ID, nil, nil)
		mustStatus(t, r, 200)
		var stored nodeAttempt
		r.json(t, &stored)
		r = late.do("GET", "/api/v1/attempts/"+a.ID+"/result", nil, nil)
		mustStatus(t, r, 200)
		var res nodeResult
		r.json(t, &res)
		if !res.AutoSubmitted || !res.SubmittedAt.Equal(stored.Deadline) || res.Certificate == nil {
			t.Errorf("swept result %+v; want auto-submitted at the deadline %v with a certificate", res, stored.Deadline)
		}
		for _, tt := range []struct {
			name, q string
		}{
			{"OKOneCertificate", `SELECT count(*) FROM credentials WHERE attempt_id = $1`},
			{"OKOneResultMail", `SELECT count(*) FROM mail_outbox WHERE kind = 'result_available' AND args LIKE '%' || $1 || '%'`},
		} {
			if n := countRows(t, conn, tt.q, a.ID); n != 1 {
				t.Errorf("%s: %d, want 1", tt.name, n)
			}
		}
	})
}
