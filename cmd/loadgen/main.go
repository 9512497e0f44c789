// Command loadgen measures a running mopscert server under load, on this
// machine only: durable autosaves from many concurrent candidates, and
// certificate verifications. It refuses any target that is not loopback.
//
//	MOPSCERT_RATE_LIMITS=0 MOPSCERT_DB=/tmp/load.db go run ./cmd/mopscert &
//	go run ./cmd/loadgen -scenario autosave -candidates 200 -duration 15s
//	go run ./cmd/loadgen -scenario verify -db /tmp/load.db -duration 15s
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/exam/cert"
)

type options struct {
	target     string
	scenario   string
	candidates int
	workers    int
	duration   time.Duration
	rate       int
	dbPath     string
	tokens     int
	prepare    int
}

func main() {
	var o options
	flag.StringVar(&o.target, "target", "http://127.0.0.1:8080", "base URL of the server (loopback only)")
	flag.StringVar(&o.scenario, "scenario", "autosave", "autosave or verify")
	flag.IntVar(&o.candidates, "candidates", 200, "concurrent candidates (autosave)")
	flag.IntVar(&o.workers, "workers", 0, "concurrent requests (default: one per candidate, or 64 for verify)")
	flag.DurationVar(&o.duration, "duration", 15*time.Second, "how long to attack")
	flag.IntVar(&o.rate, "rate", 0, "requests per second; 0 = as fast as the workers go")
	flag.StringVar(&o.dbPath, "db", "", "verify: the server's database file, to issue throwaway certificates to verify")
	flag.IntVar(&o.tokens, "tokens", 1, "verify: how many distinct certificates to cycle through (more than the server's 8,192-token cache measures the cold path)")
	flag.IntVar(&o.prepare, "prepare", 8, "autosave: candidates registered and started at once while preparing (PostgreSQL serializes exam starts on the exposure counters: use 1–2 there)")
	flag.Parse()
	if err := run(context.Background(), o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, out io.Writer) error {
	if err := loopbackOnly(o.target); err != nil {
		return err
	}
	switch o.scenario {
	case "autosave":
		return autosave(ctx, o, out)
	case "verify":
		return verify(ctx, o, out)
	}
	return fmt.Errorf("unknown scenario %q", o.scenario)
}

// loopbackOnly keeps load on this machine: never another host's address.
func loopbackOnly(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("target %s is not a loopback address; loadgen only loads this machine", target)
}

type candidate struct {
	token     string
	attempt   string
	questions []question
}

type question struct {
	id      string
	options []string
}

var httpc = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512}}

// call makes one set-up request. A 503 (password hashing saturated on a
// busy machine) is waited out and tried again, a few times: it says
// "later", not "no".
func call(method, u, token string, body any, out any) error {
	for try := 1; ; try++ {
		err := callOnce(method, u, token, body, out)
		if !errors.Is(err, errBusy) || try == 20 {
			return err
		}
		time.Sleep(time.Duration(try) * 250 * time.Millisecond)
	}
}

var errBusy = errors.New("server busy")

func callOnce(method, u, token string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, u, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := httpc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusServiceUnavailable {
		return fmt.Errorf("%s %s: %w: %s", method, u, errBusy, data)
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, u, res.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// prepare registers candidates and starts a foundation attempt for each.
func prepare(o options) ([]candidate, error) {
	run := time.Now().UnixNano()
	cands := make([]candidate, o.candidates)
	var wg sync.WaitGroup
	errs := make(chan error, o.candidates)
	sem := make(chan struct{}, max(1, o.prepare))
	for i := range cands {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			email := fmt.Sprintf("load-%d-%d@example.com", run, i)
			pw := "load test password"
			if err := call("POST", o.target+"/api/v1/auth/register", "", map[string]string{"email": email, "name": fmt.Sprintf("Load %d", i), "password": pw}, nil); err != nil {
				errs <- err
				return
			}
			var login struct{ Token string }
			if err := call("POST", o.target+"/api/v1/auth/login", "", map[string]string{"email": email, "password": pw}, &login); err != nil {
				errs <- err
				return
			}
			var a struct {
				ID        string
				Questions []struct {
					ID      string
					Type    string
					Options []struct{ ID string }
				}
			}
			if err := call("POST", o.target+"/api/v1/attempts", login.Token, map[string]string{"tier": "foundation"}, &a); err != nil {
				errs <- err
				return
			}
			c := candidate{token: login.Token, attempt: a.ID}
			for _, q := range a.Questions {
				if q.Type != "single" && q.Type != "multiple" && q.Type != "true_false" {
					continue // one shape of save keeps the load comparable across banks
				}
				qq := question{id: q.ID}
				for _, op := range q.Options {
					qq.options = append(qq.options, op.ID)
				}
				c.questions = append(c.questions, qq)
			}
			cands[i] = c
		}(i)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, fmt.Errorf("prepare candidates (is MOPSCERT_RATE_LIMITS=0 set on the server?): %w", err)
	}
	return cands, nil
}

func autosave(ctx context.Context, o options, out io.Writer) error {
	fmt.Fprintf(out, "preparing %d candidates with a foundation attempt each…\n", o.candidates)
	cands, err := prepare(o)
	if err != nil {
		return err
	}
	var n atomic.Uint64
	targeter := func(t *vegeta.Target) error {
		i := n.Add(1)
		c := cands[i%uint64(len(cands))]
		round := i / uint64(len(cands))
		q := c.questions[round%uint64(len(c.questions))]
		choice := q.options[round%uint64(len(q.options))]
		t.Method = "PUT"
		t.URL = o.target + "/api/v1/attempts/" + c.attempt + "/answers/" + q.id
		t.Body = []byte(fmt.Sprintf(`{"choices":[%q],"flagged":%v}`, choice, round%5 == 0))
		t.Header = http.Header{"Authorization": {"Bearer " + c.token}, "Content-Type": {"application/json"}}
		return nil
	}
	workers := o.workers
	if workers == 0 {
		workers = o.candidates
	}
	// A marker for scripts that measure the server only while it is under
	// this load, not while candidates were being registered.
	fmt.Fprintf(out, "attacking for %s…\n", o.duration)
	m := attack(targeter, workers, o)
	report(out, "autosave (PUT answer, acknowledged after COMMIT)", workers, m)
	return nil
}

func verify(ctx context.Context, o options, out io.Writer) error {
	if o.dbPath == "" {
		return errors.New("verify needs -db (the server's database) to issue a throwaway certificate to verify")
	}
	d, err := db.Open(ctx, o.dbPath)
	if err != nil {
		return err
	}
	svc, err := cert.New(ctx, d, clock.System{}, o.target)
	if err != nil {
		return err
	}
	// Issued straight into the database, in one transaction: there is no
	// API that hands out certificates without passing an exam.
	run := time.Now().UnixNano()
	tokens := make([]string, max(o.tokens, 1))
	err = d.Update(ctx, func(tx *sql.Tx) error {
		for i := range tokens {
			cr, err := svc.IssueTx(ctx, tx, cert.IssueRequest{AttemptID: fmt.Sprintf("loadgen-%d-%d", run, i), UserID: "loadgen",
				HolderName: fmt.Sprintf("Load Test %d", i), Tier: "foundation", TierName: "Foundation", ValidFor: 24 * time.Hour})
			if err != nil {
				return err
			}
			tokens[i] = cr.Token
		}
		return nil
	})
	d.Close()
	if err != nil {
		return err
	}
	if err := call("GET", o.target+"/api/v1/verify?token="+url.QueryEscape(tokens[0]), "", nil, nil); err != nil {
		return err
	}
	var n atomic.Uint64
	targeter := func(t *vegeta.Target) error {
		t.Method = "GET"
		t.URL = o.target + "/api/v1/verify?token=" + url.QueryEscape(tokens[n.Add(1)%uint64(len(tokens))])
		return nil
	}
	workers := o.workers
	if workers == 0 {
		workers = 64
	}
	m := attack(targeter, workers, o)
	report(out, fmt.Sprintf("verify (GET /api/v1/verify?token=…, %d distinct tokens; signature + live status)", len(tokens)), workers, m)
	return nil
}

func attack(tr vegeta.Targeter, workers int, o options) *vegeta.Metrics {
	atk := vegeta.NewAttacker(vegeta.Workers(uint64(workers)), vegeta.MaxWorkers(uint64(workers)),
		vegeta.Connections(workers), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	rate := vegeta.Rate{Freq: o.rate, Per: time.Second}
	var m vegeta.Metrics
	for res := range atk.Attack(tr, rate, o.duration, o.scenario) {
		m.Add(res)
	}
	m.Close()
	return &m
}

func report(out io.Writer, what string, workers int, m *vegeta.Metrics) {
	codes := make([]string, 0, len(m.StatusCodes))
	for c, n := range m.StatusCodes {
		codes = append(codes, fmt.Sprintf("%s×%d", c, n))
	}
	sort.Strings(codes)
	fmt.Fprintf(out, "%s\n  concurrency %d, %d requests in %s\n  throughput %.0f successful/s (success %.2f%%)\n  latency p50 %s  p95 %s  p99 %s  max %s\n  status %v\n",
		what, workers, m.Requests, m.Duration.Round(time.Millisecond), m.Throughput, m.Success*100,
		m.Latencies.P50.Round(time.Microsecond), m.Latencies.P95.Round(time.Microsecond), m.Latencies.P99.Round(time.Microsecond),
		m.Latencies.Max.Round(time.Microsecond), codes)
	if len(m.Errors) > 0 {
		fmt.Fprintf(out, "  errors: %v\n", m.Errors[:min(len(m.Errors), 3)])
	}
}
