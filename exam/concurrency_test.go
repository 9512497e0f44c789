package exam

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

// Fifty submits of one attempt: one closes it, all fifty get the same
// result, and exactly one certificate exists.
func TestConcurrentSubmit(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fill("mini", 1)
	u := e.addUser("u1", "Ada")
	a := e.start(u, "mini")
	e.answerAll(u, a.ID, 5)

	const n = 50
	results := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := e.svc.Submit(ctx, u, a.ID)
			errs[i] = err
			if err == nil {
				results[i] = mustJSON(t, res)
			}
		}()
	}
	close(start)
	wg.Wait()
	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("submit %d: %v", i, errs[i])
		}
		if results[i] != results[0] {
			t.Errorf("result %d differs:\n%s\n%s", i, results[i], results[0])
		}
	}
	if got := e.count(`SELECT count(*) FROM credentials WHERE attempt_id = ?`, a.ID); got != 1 {
		t.Errorf("credentials = %d, want 1", got)
	}
	if got := e.count(`SELECT count(*) FROM attempts WHERE id = ? AND status = 'submitted' AND outcome = 'passed'`, a.ID); got != 1 {
		t.Errorf("attempt not submitted once")
	}
	again, err := e.svc.Submit(ctx, u, a.ID)
	if err != nil || mustJSON(t, again) != results[0] {
		t.Errorf("repeat submit = %v, %v", again, err)
	}
}

// A hundred saves race a submit: every acknowledged save is graded, every
// other save is refused with attempt_closed; none is lost in between.
func TestSavesRacingSubmit(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	big := miniTier()
	big.Code, big.Level, big.Blueprint = "big", 12, Blueprint{bank.Concepts: 50, bank.Tools: 30, bank.SoftSkills: 20}
	big.PassPercent = 100
	e.addTier(big)
	e.fill("big", 1)
	u := e.addUser("u1", "Ada")
	a := e.start(u, "big")
	key := e.key(a.ID)

	// The saves are spread out (at most 8 in flight) so that some are still
	// coming while the submit runs.
	const n, inFlight = 100, 8
	var acked, answered atomic.Int32
	saveErrs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for int(answered.Load()) < i-inFlight {
				runtime.Gosched()
			}
			qid := fmt.Sprintf("q%d", i+1)
			_, saveErrs[i] = e.svc.SaveAnswer(ctx, u, a.ID, qid, key[qid], false)
			if saveErrs[i] == nil {
				acked.Add(1)
			}
			answered.Add(1)
		}()
	}
	var res *Result
	var submitErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for acked.Load() < 30 { // let some saves land first
			runtime.Gosched()
		}
		res, submitErr = e.svc.Submit(ctx, u, a.ID)
	}()
	close(start)
	wg.Wait()
	if submitErr != nil {
		t.Fatal(submitErr)
	}
	ok, refused := 0, 0
	for i, err := range saveErrs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrAttemptClosed):
			refused++
		default:
			t.Errorf("save %d: %v", i, err)
		}
	}
	t.Logf("%d saves committed before the submit, %d refused after it", ok, refused)
	if got, want := int(res.Correct), ok; got != want {
		t.Errorf("graded correct = %d, acknowledged saves = %d", got, want)
	}
	if got, want := e.count(`SELECT count(*) FROM answers WHERE attempt_id = ?`, a.ID), ok; got != want {
		t.Errorf("stored answers = %d, acknowledged saves = %d", got, want)
	}
}
