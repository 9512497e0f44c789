package exam

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestTierStatsFollowsDatabase: the cached matrix never serves stale
// figures: a newly graded attempt and a changed score (a regrade made by
// another process, straight in the database) both show at once.
func TestTierStatsFollowsDatabase(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fill("mini", 2)
	submit := func(i, right int) {
		u := e.addUser(fmt.Sprintf("u%d", i), "Cand")
		a := e.start(u, "mini")
		e.clk.Advance(time.Minute)
		e.answerAll(u, a.ID, right)
		if _, err := e.svc.Submit(ctx, u, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	submit(1, 5)
	submit(2, 0)
	ts, err := e.svc.TierStats(ctx, "mini", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if ts.Test.Attempts != 2 || *ts.Test.MeanPercent != 50 {
		t.Fatalf("attempts %d mean %v, want 2 and 50", ts.Test.Attempts, *ts.Test.MeanPercent)
	}
	responses := 0
	for _, it := range ts.Items {
		responses += it.N
	}
	if responses != 10 {
		t.Errorf("responses = %d, want 10", responses)
	}

	submit(3, 5)
	ts, _ = e.svc.TierStats(ctx, "mini", time.Time{})
	if ts.Test.Attempts != 3 || *ts.Test.MeanPercent != 200.0/3 {
		t.Errorf("after a third attempt: %d, mean %v", ts.Test.Attempts, *ts.Test.MeanPercent)
	}
	if _, err := e.db.W.Exec(`UPDATE attempts SET score_percent = 40 WHERE user_id = 'u2'`); err != nil {
		t.Fatal(err)
	}
	ts, _ = e.svc.TierStats(ctx, "mini", time.Time{})
	if *ts.Test.MeanPercent != 80 {
		t.Errorf("after a regrade: mean %v, want 80", *ts.Test.MeanPercent)
	}
	// since: only attempts graded from then on.
	ts, _ = e.svc.TierStats(ctx, "mini", e.clk.Now().Add(-30*time.Second))
	if ts.Test.Attempts != 1 {
		t.Errorf("since the last minute: %d attempts, want 1", ts.Test.Attempts)
	}
}
