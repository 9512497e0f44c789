package exam

import (
	"context"
	"testing"
)

func (e *env) addAdmin(id string) string {
	e.tb.Helper()
	e.addUser(id, "Panelist "+id)
	if _, err := e.db.W.Exec(`UPDATE users SET role = 'admin' WHERE id = ?`, id); err != nil {
		e.tb.Fatal(err)
	}
	return id
}

func TestAngoffStudy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fill("mini", 1) // five items: every form holds them all
	// An attempt finished before the study: 3 of 5 = 60 %, a pass at 60.
	e.addUser("early", "Early")
	early := e.start("early", "mini")
	e.answerAll("early", early.ID, 3)
	if res, err := e.svc.Submit(ctx, "early", early.ID); err != nil || res.Outcome != OutcomePassed || res.PassPercent != 60 {
		t.Fatalf("early attempt: %+v %v", res, err)
	}
	// An attempt started before approval and finished after keeps 60 too.
	e.addUser("mid", "Mid")
	mid := e.start("mid", "mini")

	p1, p2, p3 := e.addAdmin("p1"), e.addAdmin("p2"), e.addAdmin("p3")
	e.addUser("cand", "Not a panelist")
	if _, err := e.svc.CreateStudy(ctx, StudyCreate{Tier: "mini", Title: "t", MCCDefinition: "m", Panelists: []string{p1, "cand"}}, "lead"); err == nil {
		t.Fatal("a candidate was put on the panel")
	}
	st, err := e.svc.CreateStudy(ctx, StudyCreate{Tier: "mini", Title: "Mini 2026 cut score",
		MCCDefinition: "Runs campaigns alone; needs help with attribution.", Panelists: []string{p1, p2, p3}}, "lead")
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Items) != 5 || st.Round != 1 {
		t.Fatalf("study = %+v", st)
	}
	rate := func(user string, vs ...float64) {
		t.Helper()
		m := map[string]float64{}
		for i, v := range vs {
			m[st.Items[i].ID] = v
		}
		if err := e.svc.Rate(ctx, st.ID, user, m); err != nil {
			t.Fatalf("rate %s: %v", user, err)
		}
	}
	// Round 1. Panelist cuts 70, 60, 80: cut 70, SD 10, SE 10/√3 = 5.77.
	rate(p1, 60, 70, 80, 50, 90)
	if _, err := e.svc.ApproveStudy(ctx, st.ID, "lead"); err == nil {
		t.Fatal("approved with one complete panelist")
	}
	rate(p2, 50, 60, 70, 40, 80)
	rate(p3, 70, 80, 90, 60, 100)
	if err := e.svc.Rate(ctx, st.ID, "cand", map[string]float64{st.Items[0].ID: 50}); err == nil {
		t.Fatal("a non-panelist rated")
	}
	if err := e.svc.Rate(ctx, st.ID, p1, map[string]float64{st.Items[0].ID: 101}); err == nil {
		t.Fatal("a rating above 100 was accepted")
	}
	s1, err := e.svc.Summary(ctx, st.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if *s1.Cut != 70 || *s1.SE != 5.77 || *s1.PassMark != 70 {
		t.Fatalf("round 1: cut %v se %v mark %v", *s1.Cut, *s1.SE, *s1.PassMark)
	}
	if s1.Attempts != 1 || *s1.ProjectedPassRate != 0 { // the early attempt's 60 % is below 70
		t.Fatalf("round 1 projection: %d attempts, rate %v", s1.Attempts, *s1.ProjectedPassRate)
	}
	// Round 2 starts from round 1's ratings; two panelists revise.
	if _, err := e.svc.NextRound(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	rate(p2, 60, 70, 70, 50, 80) // cut 66
	rate(p3, 70, 75, 85, 60, 90) // cut 76
	s2, err := e.svc.Summary(ctx, st.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	// By hand: cuts 70, 66, 76; mean 70.667; deviations −0.667, −4.667,
	// 5.333; SD √(50.667/2) = 5.033; SE 5.033/√3 = 2.906.
	if s2.Round != 2 || *s2.Cut != 70.67 || *s2.SE != 2.91 || *s2.PassMark != 71 {
		t.Fatalf("round 2: round %d cut %v se %v mark %v", s2.Round, *s2.Cut, *s2.SE, *s2.PassMark)
	}
	first := s2.Items[0] // ratings 60, 60, 70
	if first.N != 3 || *first.Mean != 63.33 || *first.Min != 60 || *first.Max != 70 {
		t.Fatalf("item spread = %+v", first)
	}
	if again, _ := e.svc.Summary(ctx, st.ID, 1); *again.Cut != 70 {
		t.Fatalf("round 1 changed after round 2: %v", *again.Cut)
	}

	approved, err := e.svc.ApproveStudy(ctx, st.ID, "lead")
	if err != nil {
		t.Fatal(err)
	}
	if *approved.PassPercent != 71 || approved.Status != StudyApproved {
		t.Fatalf("approved = %+v", approved)
	}
	tier, err := e.svc.Tier(ctx, "mini")
	if err != nil {
		t.Fatal(err)
	}
	if tier.PassPercent != 71 || tier.PassMarkSource == nil || tier.PassMarkSource.StudyID != st.ID ||
		tier.PassMarkSource.Cut != 70.67 || tier.PassMarkSource.SE != 2.91 || tier.PassMarkSource.ApprovedBy != "lead" {
		t.Fatalf("tier = %+v, source %+v", tier, tier.PassMarkSource)
	}
	if err := e.svc.Rate(ctx, st.ID, p1, map[string]float64{st.Items[0].ID: 10}); err == nil {
		t.Fatal("rated an approved study")
	}

	// Finished and running attempts keep 60; the next attempt uses 71.
	if res, _ := e.svc.Result(ctx, "early", early.ID); res.PassPercent != 60 || res.Outcome != OutcomePassed {
		t.Fatalf("early after approval: %+v", res)
	}
	e.answerAll("mid", mid.ID, 3)
	if res, _ := e.svc.Submit(ctx, "mid", mid.ID); res.PassPercent != 60 || res.Outcome != OutcomePassed {
		t.Fatalf("mid after approval: %+v", res)
	}
	e.addUser("late", "Late")
	late := e.start("late", "mini")
	e.answerAll("late", late.ID, 3)
	if res, _ := e.svc.Submit(ctx, "late", late.ID); res.PassPercent != 71 || res.Outcome != OutcomeFailed {
		t.Fatalf("late attempt: %+v", res)
	}

	// A pass mark typed in by hand no longer claims the study.
	pp := 65
	if _, err := e.svc.UpdateTier(ctx, "mini", TierUpdate{PassPercent: &pp}); err != nil {
		t.Fatal(err)
	}
	if tier, _ := e.svc.Tier(ctx, "mini"); tier.PassMarkSource != nil {
		t.Fatalf("source after a manual edit: %+v", tier.PassMarkSource)
	}
}

func TestAngoffCut(t *testing.T) {
	tests := []struct {
		name    string
		cuts    []float64
		cut, se float64
		ok      bool
	}{
		{"OK", []float64{70, 60, 80}, 70, 10 / 1.7320508075688772, true},
		{"Agreement", []float64{65, 65}, 65, 0, true},
		{"ErrOnePanelist", []float64{70}, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cut, se, ok := angoffCut(tt.cuts)
			if ok != tt.ok || cut != tt.cut || round(se, 9) != round(tt.se, 9) {
				t.Fatalf("angoffCut(%v) = %v, %v, %v", tt.cuts, cut, se, ok)
			}
		})
	}
	for cut, want := range map[float64]int{70: 70, 70.01: 71, 70.0000000001: 70, 69.99: 70} {
		if got := passMarkOf(cut); got != want {
			t.Errorf("passMarkOf(%v) = %d, want %d", cut, got, want)
		}
	}
}
