package exam

import (
	"context"
	"testing"
	"time"
)

func TestSweepExpired(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fill("mini", 1)
	pass, fail, inGrace, done := e.addUser("u1", "Ada"), e.addUser("u2", "Bob"), e.addUser("u3", "Cy"), e.addUser("u4", "Di")

	aPass := e.start(pass, "mini")
	e.answerAll(pass, aPass.ID, 5)
	aFail := e.start(fail, "mini")
	aDone := e.start(done, "mini")
	if _, err := e.svc.Submit(ctx, done, aDone.ID); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(4 * time.Minute)
	aGrace := e.start(inGrace, "mini") // deadline 4 minutes later than the others

	// The first two are past deadline + grace; the third is still in its grace.
	e.clk.Set(aGrace.Deadline.Add(DefaultGrace))
	n, err := e.svc.SweepExpired(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("swept %d, want 2", n)
	}
	for _, tt := range []struct {
		name    string
		user    string
		a       *Attempt
		outcome Outcome
		cert    bool
	}{
		{"OKPassed", pass, aPass, OutcomePassed, true},
		{"OKFailed", fail, aFail, OutcomeFailed, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.svc.Result(ctx, tt.user, tt.a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !res.AutoSubmitted || !res.SubmittedAt.Equal(tt.a.Deadline) || res.Outcome != tt.outcome || (res.Certificate != nil) != tt.cert {
				t.Errorf("result = %+v", res)
			}
			got, err := e.svc.Attempt(ctx, tt.user, tt.a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != StatusExpired {
				t.Errorf("status = %s, want expired", got.Status)
			}
		})
	}
	t.Run("OKInGraceUntouched", func(t *testing.T) {
		if got := e.count(`SELECT count(*) FROM attempts WHERE id = ? AND status = 'in_progress'`, aGrace.ID); got != 1 {
			t.Errorf("attempt in its grace was closed")
		}
	})
	t.Run("OKIdempotent", func(t *testing.T) {
		n, err := e.svc.SweepExpired(ctx)
		if err != nil || n != 0 {
			t.Errorf("second sweep = %d, %v; want 0", n, err)
		}
		if got := e.count(`SELECT count(*) FROM credentials`); got != 1 {
			t.Errorf("credentials = %d, want 1", got)
		}
	})
	t.Run("OKLater", func(t *testing.T) {
		e.clk.Advance(time.Millisecond)
		n, err := e.svc.SweepExpired(ctx)
		if err != nil || n != 1 {
			t.Errorf("sweep = %d, %v; want 1", n, err)
		}
	})
}

// RunSweeper sweeps at once on start: attempts that expired while the
// server was down are closed without waiting for the first tick.
func TestRunSweeper(t *testing.T) {
	e := newEnv(t)
	e.fill("mini", 1)
	u := e.addUser("u1", "Ada")
	a := e.start(u, "mini")
	e.clk.Advance(time.Hour)

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		e.svc.RunSweeper(ctx, time.Hour)
		close(stopped)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for e.count(`SELECT count(*) FROM attempts WHERE id = ? AND status = 'expired'`, a.ID) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the sweeper did not close the expired attempt")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("RunSweeper did not return after cancel")
	}
}
