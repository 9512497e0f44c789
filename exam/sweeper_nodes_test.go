package exam

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/exam/cert"
)

// Every app server runs the deadline sweeper. Two Services, each with its
// own database handle on one file (two nodes), sweep the same expired
// attempts at the same moment, several times over: each attempt is closed
// once, graded once, certified once and mailed about once.
func TestSweepOnTwoNodesExactlyOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fill("mini", 1)
	pass, fail := e.addUser("u1", "Ada"), e.addUser("u2", "Bob")
	aPass := e.start(pass, "mini")
	e.answerAll(pass, aPass.ID, 5)
	aFail := e.start(fail, "mini")

	d2, err := db.Open(ctx, e.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d2.Close() })
	certs2, err := cert.Open(d2, e.clk, "http://localhost:8080")
	if err != nil {
		t.Fatal(err)
	}
	other := NewService(d2, e.clk, bank.NewStore(d2, e.clk), certs2, Config{Logger: slog.New(slog.DiscardHandler)})

	// A millisecond past: PostgreSQL stores the deadline rounded to the microsecond.
	e.clk.Set(aFail.Deadline.Add(DefaultGrace + time.Millisecond))
	var mu sync.Mutex
	closed := 0
	var wg sync.WaitGroup
	for i := range 6 {
		svc := e.svc
		if i%2 == 1 {
			svc = other
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := svc.SweepExpired(ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			closed += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if closed != 2 {
		t.Errorf("sweeps on two nodes closed %d attempts in all, want 2", closed)
	}
	for _, tt := range []struct {
		name string
		q    string
		args []any
		want int
	}{
		{"OKClosed", `SELECT count(*) FROM attempts WHERE status = ? AND outcome IS NOT NULL`, []any{StatusExpired}, 2},
		{"OKOneCertificate", `SELECT count(*) FROM credentials WHERE attempt_id = ?`, []any{aPass.ID}, 1},
		{"OKNoCertificateForFail", `SELECT count(*) FROM credentials WHERE attempt_id = ?`, []any{aFail.ID}, 0},
		{"OKOneResultMailEach", `SELECT count(*) FROM mail_outbox WHERE kind = 'result_available'`, nil, 2},
		{"OKOneCertificateMail", `SELECT count(*) FROM mail_outbox WHERE kind = 'certificate_issued'`, nil, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.count(tt.q, tt.args...); got != tt.want {
				t.Errorf("%s = %d, want %d", tt.q, got, tt.want)
			}
		})
	}
	for _, a := range []*Attempt{aPass, aFail} {
		r1, err1 := e.svc.Result(ctx, a.UserID, a.ID)
		r2, err2 := other.Result(ctx, a.UserID, a.ID)
		if err1 != nil || err2 != nil || r1.Outcome != r2.Outcome || !r1.SubmittedAt.Equal(a.Deadline) {
			t.Errorf("results of %s on the two nodes: %+v %v / %+v %v", a.ID, r1, err1, r2, err2)
		}
	}
}
