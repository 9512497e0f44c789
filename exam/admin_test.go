package exam

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
)

func TestUpdateTier(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		code   string
		u      TierUpdate
		want   *apperr.Error
		fields []string // field keys expected in the error
		check  func(t *testing.T, got Tier)
	}{
		{
			name: "OK", code: "mini",
			u: TierUpdate{Name: ptr("Mini II"), PassPercent: ptr(75), PartialCredit: ptr(true), TimeLimitSeconds: ptr(900),
				Blueprint: Blueprint{bank.Concepts: 1, bank.Tools: 2}},
			check: func(t *testing.T, got Tier) {
				if got.Name != "Mini II" || got.PassPercent != 75 || !got.PartialCredit || got.TimeLimitSeconds != 900 ||
					got.QuestionCount != 3 || got.Blueprint[bank.SoftSkills] != 0 {
					t.Errorf("tier = %+v", got)
				}
			},
		},
		{name: "OKRoundTrip", code: "mini", u: TierUpdate{Code: ptr("mini"), QuestionCount: ptr(5), Blueprint: Blueprint{bank.Concepts: 2, bank.Tools: 2, bank.SoftSkills: 1}}},
		{name: "OKClearPrerequisite", code: "practitioner", u: TierUpdate{Prerequisite: ptr("")},
			check: func(t *testing.T, got Tier) {
				if got.Prerequisite != nil {
					t.Errorf("prerequisite = %v", *got.Prerequisite)
				}
			}},
		{name: "ErrTierNotFound", code: "nope", u: TierUpdate{}, want: ErrTierNotFound},
		{
			name: "ErrValidation", code: "mini", want: apperr.Fielded(nil),
			u: TierUpdate{Name: ptr(" "), PassPercent: ptr(0), TimeLimitSeconds: ptr(4), ValidityDays: ptr(-1),
				MaxAttempts: ptr(0), QuestionCount: ptr(7), Code: ptr("other"),
				Blueprint: Blueprint{"marketing": 3, bank.Tools: -1}},
			fields: []string{"name", "pass_percent", "time_limit_seconds", "validity_days", "max_attempts",
				"question_count", "code", "blueprint.marketing", "blueprint.tools"},
		},
		{name: "ErrEmptyBlueprint", code: "mini", want: apperr.Fielded(nil), u: TierUpdate{Blueprint: Blueprint{bank.Tools: 0}}, fields: []string{"blueprint"}},
		{name: "ErrPrerequisiteSelf", code: "mini", want: apperr.Fielded(nil), u: TierUpdate{Prerequisite: ptr("mini")}, fields: []string{"prerequisite"}},
		{name: "ErrPrerequisiteUnknown", code: "mini", want: apperr.Fielded(nil), u: TierUpdate{Prerequisite: ptr("zzz")}, fields: []string{"prerequisite"}},
		{name: "ErrPrerequisiteHigher", code: "foundation", want: apperr.Fielded(nil), u: TierUpdate{Prerequisite: ptr("leader")}, fields: []string{"prerequisite"}},
		{name: "ErrLevelTaken", code: "mini", want: apperr.Fielded(nil), u: TierUpdate{Level: ptr(2)}, fields: []string{"level"}},
		{name: "ErrLevelBelowDependent", code: "foundation", want: apperr.Fielded(nil), u: TierUpdate{Level: ptr(5)}, fields: []string{"level"}},
		{
			name: "ErrBlueprintUnfillable", code: "mini", want: ErrBlueprintUnfillable,
			u:      TierUpdate{Blueprint: Blueprint{bank.Concepts: 5, bank.Tools: 2, bank.SoftSkills: 4}},
			fields: []string{"blueprint.concepts", "blueprint.soft_skills"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.fill("mini", 1) // concepts 2, tools 2, soft_skills 1
			before, _ := e.svc.Tier(ctx, tt.code)
			got, err := e.svc.UpdateTier(ctx, tt.code, tt.u)
			if tt.want != nil {
				ae := wantErr(t, err, tt.want)
				for _, f := range tt.fields {
					if _, ok := ae.Fields[f]; !ok {
						t.Errorf("no message for field %q in %v", f, ae.Fields)
					}
				}
				if after, _ := e.svc.Tier(ctx, tt.code); mustJSON(t, after) != mustJSON(t, before) {
					t.Errorf("a refused update changed the tier")
				}
				if tt.want == ErrBlueprintUnfillable && !strings.Contains(ae.Message, "concepts has 2 active items, 5 needed") {
					t.Errorf("message = %q", ae.Message)
				}
				return
			}
			if err != nil {
				t.Fatalf("update: %v", err)
			}
			stored, err := e.svc.Tier(ctx, tt.code)
			if err != nil {
				t.Fatal(err)
			}
			if mustJSON(t, stored) != mustJSON(t, got) {
				t.Errorf("stored %s\nreturned %s", mustJSON(t, stored), mustJSON(t, got))
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

// A tier's rules are frozen into the attempt at start: changing the pass
// mark later does not change a running exam.
func TestTierSnapshot(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fill("mini", 1)
	u := e.addUser("u1", "Ada")
	a := e.start(u, "mini")
	if _, err := e.svc.UpdateTier(ctx, "mini", TierUpdate{PassPercent: ptr(100), TimeLimitSeconds: ptr(60)}); err != nil {
		t.Fatal(err)
	}
	e.answerAll(u, a.ID, 3)
	res, err := e.svc.Submit(ctx, u, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.PassPercent != 60 || res.Outcome != OutcomePassed {
		t.Errorf("result = %+v", res)
	}
}

func TestAdminAttempts(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fill("mini", 2)
	e.fill("foundation", 1)
	u1, u2 := e.addUser("u1", "Ada"), e.addUser("u2", "Bob")
	a1 := e.start(u1, "mini")
	e.answerAll(u1, a1.ID, 5)
	if _, err := e.svc.Submit(ctx, u1, a1.ID); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Minute)
	a2 := e.start(u2, "foundation")

	tests := []struct {
		name  string
		f     AttemptFilter
		want  []string
		total int
	}{
		{"OKAll", AttemptFilter{}, []string{a2.ID, a1.ID}, 2},
		{"OKByUser", AttemptFilter{UserID: u1}, []string{a1.ID}, 1},
		{"OKByTier", AttemptFilter{Tier: "foundation"}, []string{a2.ID}, 1},
		{"OKByStatus", AttemptFilter{Status: StatusSubmitted}, []string{a1.ID}, 1},
		{"OKPaged", AttemptFilter{Limit: 1, Offset: 1}, []string{a1.ID}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := e.svc.AdminAttempts(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, s := range got {
				ids = append(ids, s.ID)
				if s.UserID == "" {
					t.Errorf("admin summary lacks user_id")
				}
			}
			if strings.Join(ids, ",") != strings.Join(tt.want, ",") || total != tt.total {
				t.Errorf("got %v (total %d), want %v (total %d)", ids, total, tt.want, tt.total)
			}
		})
	}

	t.Run("OKAdminAttempt", func(t *testing.T) {
		a, res, err := e.svc.AdminAttempt(ctx, a1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.UserID != u1 || res == nil || res.Outcome != OutcomePassed {
			t.Errorf("attempt %+v result %+v", a.UserID, res)
		}
		a, res, err = e.svc.AdminAttempt(ctx, a2.ID)
		if err != nil || res != nil || a.Status != StatusInProgress {
			t.Errorf("open attempt: %v %v %v", a, res, err)
		}
	})
	t.Run("OKCandidateList", func(t *testing.T) {
		got, err := e.svc.Attempts(ctx, u1)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != a1.ID || got[0].SubmittedAt == nil || got[0].UserID != "" {
			t.Errorf("attempts = %+v", got)
		}
		js := mustJSON(t, got[0])
		for _, k := range []string{`"id"`, `"tier"`, `"status"`, `"started_at"`, `"deadline"`, `"submitted_at"`} {
			if !strings.Contains(js, k) {
				t.Errorf("summary JSON lacks %s: %s", k, js)
			}
		}
		none, err := e.svc.Attempts(ctx, "u_nobody")
		if err != nil || none == nil || len(none) != 0 {
			t.Errorf("no attempts = %#v, %v (want an empty list, not null)", none, err)
		}
	})
}
