package exam

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam/cert"
)

// The regrade fixture: tier "r70" (five items, one per blueprint slot,
// pass 70 %), so every attempt shows every item and a candidate's score is
// decided by which items they answer right. itemX is a single-answer item
// keyed "Alpha" (authored 0); "Beta" is authored 1.
const itemX = "r70-concepts-000"

func regradeEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	tr := miniTier()
	tr.Code, tr.Name, tr.Level, tr.PassPercent = "r70", "R70", 11, 70
	e.addTier(tr)
	e.fill("r70", 1)
	return e
}

// sit starts r70 for a new candidate, answers each item with pick (the
// authored option indexes chosen; nil: the key) and submits.
func (e *env) sit(user string, pick func(itemID string, it *bank.Item) []int) *Result {
	e.tb.Helper()
	ctx := context.Background()
	e.addUser(user, "Holder "+user)
	a := e.start(user, "r70")
	var qs []questionRow
	if err := e.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		qs, err = findQuestions(ctx, tx, a.ID)
		return err
	}); err != nil {
		e.tb.Fatal(err)
	}
	items, err := e.bank.ItemVersions(ctx, refsOf(qs))
	if err != nil {
		e.tb.Fatal(err)
	}
	for _, q := range qs {
		it := items[q.Ref]
		var want []int
		if pick != nil {
			want = pick(q.Ref.ID, it)
		}
		if want == nil {
			want = it.Correct()
		}
		var choices []string
		for p, idx := range q.Order {
			if slices.Contains(want, idx) {
				choices = append(choices, optionID(p))
			}
		}
		if _, err := e.svc.SaveAnswer(ctx, user, a.ID, q.ID, choices, false); err != nil {
			e.tb.Fatalf("save: %v", err)
		}
	}
	res, err := e.svc.Submit(ctx, user, a.ID)
	if err != nil {
		e.tb.Fatal(err)
	}
	return res
}

// wrongOn answers the key except on the named items, where it picks an
// authored index that is not the key.
func wrongOn(ids ...string) func(string, *bank.Item) []int {
	return func(id string, it *bank.Item) []int {
		if !slices.Contains(ids, id) {
			return nil
		}
		for i := range it.Options {
			if !it.Options[i].Correct {
				return []int{i}
			}
		}
		return []int{}
	}
}

// others are the four r70 items besides itemX.
var others = []string{"r70-concepts-001", "r70-tools-000", "r70-tools-001", "r70-soft-skills-000"}

// snapshot is every table a regrade may touch, as text.
func (e *env) snapshot() string {
	e.tb.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, coalesce(outcome,''), coalesce(correct,0), coalesce(total,0), coalesce(score_percent,0), coalesce(domains,''), coalesce(credential_id,'') FROM attempts ORDER BY id`,
		`SELECT attempt_id, question_id, coalesce(score,-1) FROM attempt_questions ORDER BY 1, 2`,
		`SELECT id, coalesce(CAST(revoked_at AS TEXT),''), revoked_public_reason FROM credentials ORDER BY id`,
		`SELECT id, version, status FROM items ORDER BY id`,
		`SELECT count(*) FROM regrades`,
		`SELECT count(*) FROM regrade_attempts`,
	} {
		rows, err := e.db.R.Query(q)
		if err != nil {
			e.tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				e.tb.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

func (e *env) outcome(attemptID string) (Outcome, float64) {
	e.tb.Helper()
	var o Outcome
	var p float64
	if err := e.db.R.QueryRow(`SELECT outcome, score_percent FROM attempts WHERE id = ?`, attemptID).Scan(&o, &p); err != nil {
		e.tb.Fatal(err)
	}
	return o, p
}

func changeOf(r *Regrade, attemptID string) *RegradeChange {
	for i := range r.Changes {
		if r.Changes[i].AttemptID == attemptID {
			return &r.Changes[i]
		}
	}
	return nil
}

func TestRegradeVoid(t *testing.T) {
	e := regradeEnv(t)
	ctx := context.Background()
	// u1: right on four, wrong on X: 80 % → 100 %. u2: right on three, wrong
	// on X and one more: 60 % (fail) → 3/4 = 75 % (pass, new certificate).
	// u3: wrong on X and two more: 40 % → 50 %, still failing.
	r1 := e.sit("u1", wrongOn(itemX))
	r2 := e.sit("u2", wrongOn(itemX, others[0]))
	r3 := e.sit("u3", wrongOn(itemX, others[0], others[1]))
	if r1.ScorePercent != 80 || r2.ScorePercent != 60 || r2.Outcome != OutcomeFailed || r3.ScorePercent != 40 {
		t.Fatalf("fixture: %v %v %v %v", r1.ScorePercent, r2.ScorePercent, r2.Outcome, r3.ScorePercent)
	}
	req := RegradeRequest{ItemID: itemX, Action: RegradeVoid, Reason: "two defensible answers", DryRun: true}
	before := e.snapshot()
	dry, err := e.svc.Regrade(ctx, req, "lead@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if after := e.snapshot(); after != before {
		t.Fatalf("the dry run changed the database:\n%s\n---\n%s", before, after)
	}
	if dry.ID != "" || dry.AffectedAttempts != 3 || len(dry.Changes) != 3 ||
		!slices.Equal(dry.CertificatesIssued, []string{r2.AttemptID}) || len(dry.CertificatesRevoked) != 0 {
		t.Fatalf("dry run = %+v", dry)
	}
	req.DryRun = false
	got, err := e.svc.Regrade(ctx, req, "lead@example.com")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		attempt string
		pct     float64
		outcome Outcome
	}{{r1.AttemptID, 100, OutcomePassed}, {r2.AttemptID, 75, OutcomePassed}, {r3.AttemptID, 50, OutcomeFailed}}
	for _, tt := range tests {
		if o, p := e.outcome(tt.attempt); o != tt.outcome || p != tt.pct {
			t.Errorf("%s: %s %v, want %s %v", tt.attempt, o, p, tt.outcome, tt.pct)
		}
		if c := changeOf(got, tt.attempt); c == nil || c.NewPercent != tt.pct {
			t.Errorf("%s: change %+v", tt.attempt, c)
		}
	}
	if len(got.CertificatesIssued) != 1 {
		t.Fatalf("issued %v", got.CertificatesIssued)
	}
	res, err := e.svc.Result(ctx, "u2", r2.AttemptID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Certificate == nil || res.Certificate.ID != got.CertificatesIssued[0] || res.Certificate.Status != cert.StatusValid {
		t.Fatalf("u2's result certificate = %+v", res.Certificate)
	}
	if len(res.Regrades) != 1 || res.Regrades[0].NewOutcome != OutcomePassed || res.Regrades[0].Action != RegradeVoid {
		t.Fatalf("u2's result notes = %+v", res.Regrades)
	}
	if n := e.count(`SELECT count(*) FROM attempt_questions WHERE item_id = ? AND score IS NOT NULL`, itemX); n != 0 {
		t.Errorf("%d scores left on the void item", n)
	}
	if it, _ := e.bank.FindItemByID(ctx, itemX); it.Status != bank.Void {
		t.Errorf("item status %s", it.Status)
	}
}

func TestRegradeRekey(t *testing.T) {
	for _, adverse := range []bool{false, true} {
		t.Run(fmt.Sprintf("allow_adverse=%t", adverse), func(t *testing.T) {
			e := regradeEnv(t)
			ctx := context.Background()
			beta := func(id string, it *bank.Item) []int {
				if id == itemX {
					return []int{1}
				}
				return wrongOn(others[0])(id, it)
			}
			// p: Alpha on X plus three more right: 80 % pass → 60 % under the
			// new key. q: Beta on X plus three right: 60 % fail → 80 % pass.
			p := e.sit("p", wrongOn(others[0]))
			q := e.sit("q", beta)
			if p.Outcome != OutcomePassed || q.Outcome != OutcomeFailed || p.Certificate == nil {
				t.Fatalf("fixture: %+v %+v", p, q)
			}
			got, err := e.svc.Regrade(ctx, RegradeRequest{ItemID: itemX, Action: RegradeRekey, Correct: []int{1},
				Reason: "Beta is the current practice", AllowAdverse: adverse}, "lead@example.com")
			if err != nil {
				t.Fatal(err)
			}
			if got.NewVersion != 2 {
				t.Errorf("new version %d", got.NewVersion)
			}
			cp, cq := changeOf(got, p.AttemptID), changeOf(got, q.AttemptID)
			if cq == nil || cq.NewOutcome != OutcomePassed || cq.CertificateIssued == "" {
				t.Fatalf("q's change = %+v", cq)
			}
			wantP := OutcomePassed
			if adverse {
				wantP = OutcomeFailed
			}
			if cp == nil || cp.NewPercent != 60 || cp.NewOutcome != wantP || cp.KeptPass == adverse {
				t.Fatalf("p's change = %+v", cp)
			}
			if o, _ := e.outcome(p.AttemptID); o != wantP {
				t.Errorf("p's outcome %s, want %s", o, wantP)
			}
			v := e.certs.VerifyID(ctx, p.Certificate.ID)
			if adverse {
				if v.Status != cert.StatusRevoked || v.RevokedReason != cert.ReasonRegrade ||
					!slices.Equal(got.CertificatesRevoked, []string{p.Certificate.ID}) {
					t.Fatalf("p's certificate: %+v, revoked %v", v, got.CertificatesRevoked)
				}
			} else if v.Status != cert.StatusValid || len(got.CertificatesRevoked) != 0 {
				t.Fatalf("p's certificate: %+v, revoked %v", v, got.CertificatesRevoked)
			}
			if v := e.certs.VerifyID(ctx, cq.CertificateIssued); v.Status != cert.StatusValid {
				t.Errorf("q's new certificate: %+v", v)
			}
			// Graded on the new key: a late attempt showing the old version
			// would be too, and a new attempt sees version 2.
			if it, _ := e.bank.FindItemByID(ctx, itemX); !slices.Equal(it.Correct(), []int{1}) {
				t.Errorf("key now %v", it.Correct())
			}
			if !adverse {
				return
			}
			// A later credit-all lifts p to a pass again: the certificate the
			// regrade revoked stays revoked, and none is handed out instead.
			again, err := e.svc.Regrade(ctx, RegradeRequest{ItemID: itemX, Action: RegradeCreditAll,
				Reason: "the question was ambiguous after all"}, "lead@example.com")
			if err != nil {
				t.Fatal(err)
			}
			c := changeOf(again, p.AttemptID)
			if c == nil || c.NewOutcome != OutcomePassed || c.CertificateRefused != p.Certificate.ID || c.CertificateIssued != "" {
				t.Fatalf("p after credit-all: %+v", c)
			}
			if v := e.certs.VerifyID(ctx, p.Certificate.ID); v.Status != cert.StatusRevoked {
				t.Errorf("revoked certificate came back: %+v", v)
			}
		})
	}
}

func TestRegradeCreditAll(t *testing.T) {
	e := regradeEnv(t)
	ctx := context.Background()
	a := e.sit("c1", wrongOn(itemX, others[0])) // 60 % → 80 %
	b := e.sit("c2", nil)                       // 100 % stays
	got, err := e.svc.Regrade(ctx, RegradeRequest{ItemID: itemX, Action: RegradeCreditAll, Reason: "no right answer"}, "lead@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got.AffectedAttempts != 2 || len(got.Changes) != 1 || got.Changes[0].AttemptID != a.AttemptID ||
		got.Changes[0].NewPercent != 80 || len(got.CertificatesIssued) != 1 {
		t.Fatalf("credit all = %+v", got)
	}
	if o, p := e.outcome(b.AttemptID); o != OutcomePassed || p != 100 {
		t.Errorf("c2: %s %v", o, p)
	}
	if n := e.count(`SELECT count(*) FROM attempt_questions WHERE item_id = ? AND score = 1`, itemX); n != 2 {
		t.Errorf("%d full scores on the credited item, want 2", n)
	}
	list, err := e.svc.Regrades(ctx)
	if err != nil || len(list) != 1 || list[0].Actor != "lead@example.com" || list[0].Reason != "no right answer" {
		t.Fatalf("Regrades = %+v, %v", list, err)
	}
	// An attempt submitted after the regrade is graded with it too.
	late := e.sit("c3", wrongOn(itemX))
	if late.ScorePercent != 100 {
		t.Errorf("late attempt %v %%, want 100 (credit-all replayed)", late.ScorePercent)
	}
}

func TestRegradeConcurrentAppliesOnce(t *testing.T) {
	e := regradeEnv(t)
	ctx := context.Background()
	e.sit("k1", wrongOn(itemX, others[0]))
	e.sit("k2", wrongOn(others[0]))
	req := RegradeRequest{ItemID: itemX, Action: RegradeRekey, Correct: []int{1}, Reason: "rekey once", AllowAdverse: true}
	out := make([]*Regrade, 20)
	errs := make([]error, 20)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out[i], errs[i] = e.svc.Regrade(ctx, req, "lead@example.com")
		}(i)
	}
	wg.Wait()
	for i := range out {
		if errs[i] != nil {
			t.Fatalf("apply %d: %v", i, errs[i])
		}
		if out[i].ID != out[0].ID || len(out[i].Changes) != len(out[0].Changes) ||
			!slices.Equal(out[i].CertificatesIssued, out[0].CertificatesIssued) {
			t.Fatalf("apply %d = %+v, apply 0 = %+v", i, out[i], out[0])
		}
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM regrades`:                                         1,
		`SELECT count(*) FROM item_versions WHERE item_id = 'r70-concepts-000'`: 2,
		`SELECT count(*) FROM credentials WHERE revoked_at IS NOT NULL`:         1,
		`SELECT count(*) FROM credentials`:                                      2,
	} {
		if got := e.count(q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
}
