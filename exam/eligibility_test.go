package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
)

func TestStartEligibility(t *testing.T) {
	ctx := context.Background()
	failOnce := func(e *env, u, tier string) *Result {
		a := e.start(u, tier)
		res, err := e.svc.Submit(ctx, u, a.ID)
		if err != nil {
			e.tb.Fatal(err)
		}
		return res
	}
	tests := []struct {
		name  string
		tier  string
		setup func(e *env, u string)
		want  *apperr.Error // nil: the start succeeds
		check func(t *testing.T, e *env, ae *apperr.Error)
	}{
		{name: "OK", tier: "foundation"},
		{name: "ErrPrerequisiteMissing", tier: "practitioner", want: ErrPrerequisiteMissing},
		{name: "OKPrerequisiteHeld", tier: "practitioner", setup: func(e *env, u string) { e.grantCert(u, "foundation") }},
		{
			name: "ErrPrerequisiteRevoked", tier: "practitioner", want: ErrPrerequisiteMissing,
			setup: func(e *env, u string) {
				c := e.grantCert(u, "foundation")
				if _, err := e.certs.Revoke(ctx, c.ID, "test", "admin"); err != nil {
					e.tb.Fatal(err)
				}
			},
		},
		{
			name: "ErrPrerequisiteExpired", tier: "practitioner", want: ErrPrerequisiteMissing,
			setup: func(e *env, u string) {
				e.grantCert(u, "foundation") // valid 365 days
				e.clk.Advance(366 * 24 * time.Hour)
			},
		},
		{name: "ErrAlreadyCertified", tier: "mini", want: ErrAlreadyCertified, setup: func(e *env, u string) { e.grantCert(u, "mini") }},
		{
			name: "ErrRetakeTooSoon", tier: "mini", want: ErrRetakeTooSoon,
			setup: func(e *env, u string) {
				failOnce(e, u, "mini")
				e.clk.Advance(59 * time.Minute)
			},
			check: func(t *testing.T, e *env, ae *apperr.Error) {
				if got, want := ae.Extra["retry_after"], "2026-03-02T10:00:00Z"; got != want {
					t.Errorf("retry_after = %v, want %v", got, want)
				}
			},
		},
		{
			name: "OKAfterRetakeWait", tier: "mini",
			setup: func(e *env, u string) {
				failOnce(e, u, "mini")
				e.clk.Advance(time.Hour)
			},
		},
		{
			name: "ErrCertifiedAfterPass", tier: "mini", want: ErrAlreadyCertified,
			setup: func(e *env, u string) {
				a := e.start(u, "mini")
				e.answerAll(u, a.ID, 5)
				if res, err := e.svc.Submit(ctx, u, a.ID); err != nil || res.Outcome != OutcomePassed {
					e.tb.Fatalf("submit: %v %v", res, err)
				}
			},
		},
		{
			name: "ErrTooManyAttempts", tier: "mini", want: ErrTooManyAttempts,
			setup: func(e *env, u string) {
				for i := 0; i < 3; i++ {
					failOnce(e, u, "mini")
					e.clk.Advance(24 * time.Hour)
				}
			},
			check: func(t *testing.T, e *env, ae *apperr.Error) {
				// The first of the three leaves the 90-day window 90 days after it started.
				if got, want := ae.Extra["retry_after"], t0.Add(90*24*time.Hour).Format(time.RFC3339); got != want {
					t.Errorf("retry_after = %v, want %v", got, want)
				}
			},
		},
		{
			name: "OKAfterWindow", tier: "mini",
			setup: func(e *env, u string) {
				for i := 0; i < 3; i++ {
					failOnce(e, u, "mini")
					e.clk.Advance(24 * time.Hour)
				}
				e.clk.Set(t0.Add(90*24*time.Hour + time.Second))
			},
		},
		{
			name: "ErrAttemptInProgress", tier: "mini", want: ErrAttemptInProgress,
			setup: func(e *env, u string) { e.start(u, "foundation") },
			check: func(t *testing.T, e *env, ae *apperr.Error) {
				var open string
				_ = e.db.R.QueryRow(`SELECT id FROM attempts WHERE status = 'in_progress'`).Scan(&open)
				if got := ae.Extra["attempt_id"]; got != open {
					t.Errorf("attempt_id = %v, want %v", got, open)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.fill("foundation", 1)
			e.fill("practitioner", 1)
			e.fill("mini", 2)
			u := e.addUser("u1", "Ada")
			if tt.setup != nil {
				tt.setup(e, u)
			}
			a, err := e.svc.Start(ctx, u, "", tt.tier)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("start: %v", err)
				}
				if a.Status != StatusInProgress {
					t.Errorf("status = %s", a.Status)
				}
				return
			}
			ae := wantErr(t, err, tt.want)
			if tt.check != nil {
				tt.check(t, e, ae)
			}
			// The Tiers list tells the same story.
			tiers, err := e.svc.Tiers(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range tiers {
				if tr.Code == tt.tier {
					if got, want := tr.IneligibleReason, tt.want.Code; got != want || tr.Eligible == nil || *tr.Eligible {
						t.Errorf("Tiers: %s eligible=%v reason=%q, want reason %q", tr.Code, tr.Eligible, got, want)
					}
				}
			}
		})
	}
}

// The unique index is the last word on one attempt in progress, even when
// the eligibility read missed the open attempt (a concurrent start).
func TestStartErrAttemptInProgressIndex(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fill("mini", 2)
	u := e.addUser("u1", "Ada")
	first := e.start(u, "mini")
	tier, _ := e.svc.Tier(ctx, "mini")
	err := e.db.Update(ctx, func(tx *sql.Tx) error {
		return e.svc.startTx(ctx, tx, tier, &attemptRow{ID: "a_second", UserID: u, Tier: "mini",
			Status: StatusInProgress, TimeLimitSeconds: 600, PassPercent: 60}, nil)
	})
	ae := wantErr(t, err, ErrAttemptInProgress)
	if got, want := ae.Extra["attempt_id"], first.ID; got != want {
		t.Errorf("attempt_id = %v, want %v", got, want)
	}
	if got, want := e.count(`SELECT count(*) FROM attempts`), 1; got != want {
		t.Errorf("attempts = %d, want %d", got, want)
	}
}

func TestConcurrentStarts(t *testing.T) {
	e := newEnv(t)
	e.fill("mini", 2)
	u := e.addUser("u1", "Ada")
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		go func() {
			_, err := e.svc.Start(context.Background(), u, "", "mini")
			errs <- err
		}()
	}
	ok := 0
	for i := 0; i < 10; i++ {
		if err := <-errs; err == nil {
			ok++
		} else {
			wantErr(t, err, ErrAttemptInProgress)
		}
	}
	if ok != 1 {
		t.Errorf("%d starts succeeded, want 1", ok)
	}
}

func TestTiersJSON(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.addUser("u1", "Ada")

	anon, err := e.svc.Tiers(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(anon), 4; got != want {
		t.Fatalf("tiers = %d, want %d", got, want)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(mustJSON(t, anon[0])), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"code", "name", "level", "prerequisite", "question_count", "time_limit_seconds",
		"pass_percent", "validity_days", "blueprint"} {
		if _, ok := m[k]; !ok {
			t.Errorf("tier JSON lacks %q", k)
		}
	}
	for _, k := range []string{"eligible", "ineligible_reason"} {
		if _, ok := m[k]; ok {
			t.Errorf("anonymous tier JSON has %q", k)
		}
	}
	if got, want := mustJSON(t, anon[0].Blueprint), `{"concepts":10,"soft_skills":6,"tools":14}`; got != want {
		t.Errorf("blueprint = %s, want %s", got, want)
	}
	if m["prerequisite"] != nil || m["question_count"] != 30.0 || m["time_limit_seconds"] != 2700.0 {
		t.Errorf("foundation = %v", m)
	}

	signed, err := e.svc.Tiers(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(mustJSON(t, signed)), &got); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		code     string
		eligible bool
		reason   any
	}{
		{"foundation", true, nil},
		{"practitioner", false, "prerequisite_missing"},
		{"leader", false, "prerequisite_missing"},
		{"mini", true, nil},
	}
	for i, w := range want {
		g := got[i]
		if _, has := g["ineligible_reason"]; !has {
			t.Errorf("%s: ineligible_reason missing for a signed-in user", w.code)
		}
		if g["code"] != w.code || g["eligible"] != w.eligible || g["ineligible_reason"] != w.reason {
			t.Errorf("tier %d = %v %v %v, want %v", i, g["code"], g["eligible"], g["ineligible_reason"], w)
		}
	}
}

func TestEnsureDefaultTiersKeepsEdits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fill("foundation", 1)
	if _, err := e.svc.UpdateTier(ctx, "foundation", TierUpdate{PassPercent: ptr(80), Name: ptr("Basics")}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.EnsureDefaultTiers(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := e.svc.Tier(ctx, "foundation")
	if err != nil {
		t.Fatal(err)
	}
	if f.PassPercent != 80 || f.Name != "Basics" {
		t.Errorf("edits lost: %+v", f)
	}
	if got, want := e.count(`SELECT count(*) FROM tiers`), 4; got != want {
		t.Errorf("tiers = %d, want %d", got, want)
	}
}

func TestDefaultTiers(t *testing.T) {
	want := []struct {
		code, prereq                  string
		n, minutes, validity, c, t, s int
	}{
		{"foundation", "", 30, 45, 730, 10, 14, 6},
		{"practitioner", "foundation", 40, 70, 730, 13, 20, 7},
		{"leader", "practitioner", 40, 90, 1095, 12, 17, 11},
	}
	got := DefaultTiers()
	for i, w := range want {
		g := got[i]
		prereq := ""
		if g.Prerequisite != nil {
			prereq = *g.Prerequisite
		}
		if g.Code != w.code || prereq != w.prereq || g.QuestionCount != w.n || g.TimeLimitSeconds != w.minutes*60 ||
			g.ValidityDays != w.validity || g.Blueprint[bank.Concepts] != w.c || g.Blueprint[bank.Tools] != w.t ||
			g.Blueprint[bank.SoftSkills] != w.s || g.PassPercent != 70 || g.RetakeWaitSeconds != 86400 ||
			g.MaxAttempts != 3 || g.AttemptWindowDays != 90 || g.PartialCredit || g.Level != i+1 {
			t.Errorf("tier %d = %+v", i, g)
		}
	}
}

func ptr[T any](v T) *T { return &v }
