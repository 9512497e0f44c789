package exam

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mopscert/mopscert/clock"
)

// signalClock is the fake clock that tells the test when it is first read,
// i.e. when SaveAnswer has taken the arrival time.
type signalClock struct {
	*clock.Fake
	once sync.Once
	read chan struct{}
}

func (c *signalClock) Now() time.Time {
	t := c.Fake.Now()
	c.once.Do(func() { close(c.read) })
	return t
}

// An answer that arrives one second before deadline + grace is saved even
// when the writer is busy until well after it: lateness is judged at
// arrival, not at commit.
func TestSaveAnswerJudgedAtArrival(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fill("mini", 1)
	u := e.addUser("u1", "Ada")
	a := e.start(u, "mini")

	arrived := a.Deadline.Add(DefaultGrace - time.Second)
	e.clk.Set(arrived)
	clk := &signalClock{Fake: e.clk, read: make(chan struct{})}
	svc := NewService(e.db, clk, e.bank, e.certs, Config{Logger: slog.New(slog.DiscardHandler)})

	// Hold the single writer, as a long import would.
	holding, release := make(chan struct{}), make(chan struct{})
	go func() {
		_ = e.db.Update(ctx, func(*sql.Tx) error { close(holding); <-release; return nil })
	}()
	<-holding

	type result struct {
		ack SaveAck
		err error
	}
	done := make(chan result, 1)
	go func() {
		ack, err := svc.SaveAnswer(ctx, u, a.ID, "q1", []string{"a"}, false)
		done <- result{ack, err}
	}()
	select {
	case <-clk.read: // the arrival is taken; the save now waits for the writer
	case <-time.After(30 * time.Second): // a watchdog against a hang, not a measurement
		close(release)
		t.Fatal("SaveAnswer did not read the clock before waiting for the writer")
	}
	e.clk.Advance(10 * time.Second) // past deadline + grace while it waits
	close(release)
	r := <-done
	if r.err != nil {
		t.Fatalf("SaveAnswer arriving before deadline+grace: %v", r.err)
	}
	if !r.ack.SavedAt.Equal(arrived) || r.ack.RemainingSeconds != 0 {
		t.Errorf("ack = %+v, want saved_at %v and 0 seconds left", r.ack, arrived)
	}
	if got := e.count(`SELECT count(*) FROM answers WHERE attempt_id = ?`, a.ID); got != 1 {
		t.Errorf("answers stored = %d, want 1", got)
	}

	// A save that arrives after deadline + grace is still refused.
	if _, err := svc.SaveAnswer(ctx, u, a.ID, "q1", []string{"b"}, false); err == nil {
		t.Fatal("save arriving after deadline+grace was accepted")
	}
}
