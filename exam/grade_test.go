package exam

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

// TestResponse: displayed ids map back to authored indexes for every type
// (the scoring itself is tested beside the types, in bank).
func TestResponse(t *testing.T) {
	tests := []struct {
		name string
		q    questionRow
		a    Answer
		lang string
		want bank.Response
	}{
		{"Single", questionRow{Type: bank.Single, Order: []int{2, 0, 1}}, Answer{Choices: []string{"a"}}, "", bank.Response{Picked: []int{2}}},
		{"MultipleDropsUnknown", questionRow{Type: bank.Multiple, Order: []int{2, 0, 1}}, Answer{Choices: []string{"b", "c", "z"}}, "", bank.Response{Picked: []int{0, 1}}},
		{"OrderingKeepsOrder", questionRow{Type: bank.Ordering, Order: []int{2, 0, 1}}, Answer{Choices: []string{"b", "c", "a"}}, "", bank.Response{Picked: []int{0, 1, 2}}},
		{"Matching", questionRow{Type: bank.Matching, Order: []int{1, 2, 0}, MatchOrder: []int{2, 0, 1}},
			// prompt a is authored 1; answer b shows authored 0's match…
			Answer{Choices: []string{"c", "a", ""}}, "", bank.Response{Matches: []int{-1, 1, 2}}},
		{"MatchingBlank", questionRow{Type: bank.Matching, Order: []int{1, 2, 0}, MatchOrder: []int{2, 0, 1}}, Answer{}, "", bank.Response{Matches: []int{-1, -1, -1}}},
		{"NumericComma", questionRow{Type: bank.Numeric, Order: []int{}}, Answer{Value: "13,3 %"}, "", bank.Response{Value: ptr(13.3)}},
		{"NumericBlank", questionRow{Type: bank.Numeric, Order: []int{}}, Answer{}, "", bank.Response{}},
		{"NumericGermanThousands", questionRow{Type: bank.Numeric, Order: []int{}}, Answer{Value: "34.000"}, "de", bank.Response{Value: ptr(34000.0)}},
		{"NumericEnglishPoint", questionRow{Type: bank.Numeric, Order: []int{}}, Answer{Value: "34.000"}, "en", bank.Response{Value: ptr(34.0)}},
		{"NumericEnglishThousands", questionRow{Type: bank.Numeric, Order: []int{}}, Answer{Value: "34,000"}, "en", bank.Response{Value: ptr(34000.0)}},
		{"NumericNoLanguageAmbiguous", questionRow{Type: bank.Numeric, Order: []int{}}, Answer{Value: "34,000"}, "", bank.Response{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := response(tt.q, tt.a, tt.lang); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("response = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// gradeCase builds a form of n questions with the given domains and types;
// every item's correct option is authored first and displayed second.
type gq struct {
	domain bank.Domain
	typ    bank.Type
	pick   []string // displayed ids
	void   bool
}

func gradeFixture(qs []gq) ([]questionRow, map[bank.Ref]*bank.Item, map[string]Answer) {
	rows := make([]questionRow, len(qs))
	items := map[bank.Ref]*bank.Item{}
	answers := map[string]Answer{}
	for i, q := range qs {
		ref := bank.Ref{ID: fmt.Sprintf("it-%d", i), Version: 1}
		it := &bank.Item{ID: ref.ID, Version: 1, Status: bank.Active, Domain: q.domain, Type: q.typ}
		switch q.typ {
		case bank.Multiple: // correct: authored 0 and 2, displayed b and d
			it.Options = []bank.Option{{Text: "A", Correct: true}, {Text: "B"}, {Text: "C", Correct: true}, {Text: "D"}}
		default: // correct: authored 0, displayed b
			it.Options = []bank.Option{{Text: "A", Correct: true}, {Text: "B"}, {Text: "C"}, {Text: "D"}}
		}
		if q.void {
			it.Status = bank.Void
		}
		items[ref] = it
		id := fmt.Sprintf("q%d", i+1)
		rows[i] = questionRow{ID: id, Position: i + 1, Ref: ref, Domain: q.domain, Type: q.typ, Order: []int{1, 0, 3, 2}}
		if q.pick != nil {
			answers[id] = Answer{Choices: q.pick}
		}
	}
	return rows, items, answers
}

func TestGradeForm(t *testing.T) {
	right, wrong := []string{"b"}, []string{"a"}
	both, one := []string{"b", "d"}, []string{"b"}
	tests := []struct {
		name    string
		qs      []gq
		partial bool
		pass    int
		want    grade
	}{
		{
			name: "AllRight", pass: 70,
			qs: []gq{{bank.Concepts, bank.Single, right, false}, {bank.Tools, bank.TrueFalse, right, false}, {bank.Tools, bank.Multiple, both, false}},
			want: grade{Correct: 3, Total: 3, ScorePercent: 100, Outcome: OutcomePassed, Domains: []DomainScore{
				{bank.Concepts, 1, 1, 100}, {bank.Tools, 2, 2, 100}},
				Scores: map[string]float64{"q1": 1, "q2": 1, "q3": 1}},
		},
		{
			name: "MultipleAllOrNothing", pass: 50,
			qs: []gq{{bank.Tools, bank.Multiple, one, false}, {bank.Tools, bank.Single, right, false}},
			want: grade{Correct: 1, Total: 2, ScorePercent: 50, Outcome: OutcomePassed, Domains: []DomainScore{
				{bank.Tools, 1, 2, 50}}, Scores: map[string]float64{"q1": 0, "q2": 1}},
		},
		{
			name: "PartialCredit", pass: 80, partial: true,
			qs: []gq{{bank.Tools, bank.Multiple, one, false}, {bank.Tools, bank.Single, right, false}},
			want: grade{Correct: 1.5, Total: 2, ScorePercent: 75, Outcome: OutcomeFailed, Domains: []DomainScore{
				{bank.Tools, 1.5, 2, 75}}, Scores: map[string]float64{"q1": 0.5, "q2": 1}},
		},
		{
			name: "VoidDropsOut", pass: 100,
			qs: []gq{{bank.Concepts, bank.Single, right, false}, {bank.Concepts, bank.Single, wrong, true},
				{bank.SoftSkills, bank.Single, nil, true}},
			want: grade{Correct: 1, Total: 1, ScorePercent: 100, Outcome: OutcomePassed, Domains: []DomainScore{
				{bank.Concepts, 1, 1, 100}}, Scores: map[string]float64{"q1": 1}},
		},
		{
			name: "DomainBreakdown", pass: 70,
			qs: []gq{
				{bank.SoftSkills, bank.Single, right, false},
				{bank.Concepts, bank.Single, right, false}, {bank.Concepts, bank.Single, wrong, false}, {bank.Concepts, bank.Single, nil, false},
				{bank.Tools, bank.Single, wrong, false},
			},
			want: grade{Correct: 2, Total: 5, ScorePercent: 40, Outcome: OutcomeFailed, Domains: []DomainScore{
				{bank.Concepts, 1, 3, 33.3}, {bank.Tools, 0, 1, 0}, {bank.SoftSkills, 1, 1, 100}},
				Scores: map[string]float64{"q1": 1, "q2": 1, "q3": 0, "q4": 0, "q5": 0}},
		},
		{
			name: "UnknownChoiceIgnored", pass: 70,
			qs:   []gq{{bank.Concepts, bank.Single, []string{"z"}, false}},
			want: grade{Correct: 0, Total: 1, ScorePercent: 0, Outcome: OutcomeFailed, Domains: []DomainScore{{bank.Concepts, 0, 1, 0}}, Scores: map[string]float64{"q1": 0}},
		},
		{
			name: "AllVoid", pass: 70,
			qs:   []gq{{bank.Concepts, bank.Single, right, true}},
			want: grade{Outcome: OutcomeFailed, Scores: map[string]float64{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, items, answers := gradeFixture(tt.qs)
			got := gradeForm(qs, items, answers, "en", tt.partial, tt.pass)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("grade =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// The pass mark is inclusive: exactly pass_percent passes, a hair below
// fails, and the truncated score never rounds a fail up to the mark.
func TestGradePassMark(t *testing.T) {
	tests := []struct {
		name  string
		right int
		total int
		pass  int
		score float64
		want  Outcome
	}{
		{"ExactlyAtMark", 21, 30, 70, 70, OutcomePassed},
		{"OneBelow", 20, 30, 70, 66.6, OutcomeFailed},
		{"ExactlyAtMark40", 28, 40, 70, 70, OutcomePassed},
		{"JustBelowMark", 699, 1000, 70, 69.9, OutcomeFailed},
		{"WouldRoundUp", 6999, 10000, 70, 69.9, OutcomeFailed},
		{"Full", 40, 40, 100, 100, OutcomePassed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := make([]gq, tt.total)
			for i := range spec {
				spec[i] = gq{bank.Concepts, bank.Single, []string{"a"}, false}
				if i < tt.right {
					spec[i].pick = []string{"b"}
				}
			}
			qs, items, answers := gradeFixture(spec)
			g := gradeForm(qs, items, answers, "en", false, tt.pass)
			if g.ScorePercent != tt.score || g.Outcome != tt.want {
				t.Errorf("score %v %s, want %v %s", g.ScorePercent, g.Outcome, tt.score, tt.want)
			}
		})
	}
}

// Through the service: a pass issues a certificate in the same transaction,
// a void item drops out, the result is frozen and reveals no key.
func TestSubmitGrades(t *testing.T) {
	ctx := context.Background()
	t.Run("OKPassed", func(t *testing.T) {
		e := newEnv(t)
		e.fill("mini", 1)
		u := e.addUser("u1", "Ada Lovelace")
		a := e.start(u, "mini")
		e.answerAll(u, a.ID, 3) // 3 of 5 = 60 %: the mark
		res, err := e.svc.Submit(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != OutcomePassed || res.ScorePercent != 60 || res.Correct != 3 || res.Total != 5 || res.PassPercent != 60 {
			t.Errorf("result = %+v", res)
		}
		if res.AutoSubmitted || !res.SubmittedAt.Equal(t0) {
			t.Errorf("submitted_at %v auto %v", res.SubmittedAt, res.AutoSubmitted)
		}
		c := res.Certificate
		if c == nil || c.HolderName != "Ada Lovelace" || c.Tier != "mini" || c.TierName != "Mini" || c.Status != "valid" || c.Token == "" {
			t.Fatalf("certificate = %+v", c)
		}
		if got, want := c.ExpiresAt.Sub(c.IssuedAt).Hours(), 365*24.0; got != want {
			t.Errorf("validity = %vh, want %vh", got, want)
		}
		if got := e.count(`SELECT count(*) FROM credentials WHERE attempt_id = ?`, a.ID); got != 1 {
			t.Errorf("credentials = %d", got)
		}
		// Revocation shows in the result: status is read live.
		if _, err := e.certs.Revoke(ctx, c.ID, "test", "admin"); err != nil {
			t.Fatal(err)
		}
		again, err := e.svc.Result(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if again.Certificate == nil || again.Certificate.Status != "revoked" {
			t.Errorf("after revoke: %+v", again.Certificate)
		}
	})
	t.Run("OKFailed", func(t *testing.T) {
		e := newEnv(t)
		e.fill("mini", 1)
		u := e.addUser("u1", "Ada")
		a := e.start(u, "mini")
		e.answerAll(u, a.ID, 2)
		res, err := e.svc.Submit(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != OutcomeFailed || res.ScorePercent != 40 || res.Certificate != nil {
			t.Errorf("result = %+v", res)
		}
		if got := e.count(`SELECT count(*) FROM credentials`); got != 0 {
			t.Errorf("credentials = %d", got)
		}
	})
	t.Run("VoidItemDropsOut", func(t *testing.T) {
		e := newEnv(t)
		e.fill("mini", 1)
		u := e.addUser("u1", "Ada")
		a := e.start(u, "mini")
		e.answerAll(u, a.ID, 0) // all wrong
		var voided string
		if err := e.db.R.QueryRow(`SELECT item_id FROM attempt_questions WHERE attempt_id = ? AND question_id = 'q1'`, a.ID).Scan(&voided); err != nil {
			t.Fatal(err)
		}
		if _, err := e.bank.SetStatus(ctx, voided, bank.Void, "admin"); err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.Submit(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 4 {
			t.Errorf("total = %d, want 4", res.Total)
		}
		n := 0
		for _, d := range res.Domains {
			n += d.Total
		}
		if n != 4 {
			t.Errorf("domain totals add up to %d, want 4", n)
		}
	})
	t.Run("ResultJSON", func(t *testing.T) {
		e := newEnv(t)
		e.fill("mini", 1)
		u := e.addUser("u1", "Ada")
		a := e.start(u, "mini")
		e.answerAll(u, a.ID, 5)
		res, err := e.svc.Submit(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		js := mustJSON(t, res)
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		for _, k := range []string{"attempt_id", "tier", "outcome", "score_percent", "pass_percent", "correct", "total",
			"auto_submitted", "submitted_at", "domains", "certificate"} {
			if _, ok := m[k]; !ok {
				t.Errorf("result JSON lacks %q (has %v)", k, keys)
			}
		}
		for _, leak := range []string{"rationale", "feedback", `"correct":true`, "item"} {
			if strings.Contains(js, leak) {
				t.Errorf("result JSON contains %q", leak)
			}
		}
		var cert map[string]any
		_ = json.Unmarshal(m["certificate"], &cert)
		for _, k := range []string{"id", "holder_name", "tier", "tier_name", "issued_at", "expires_at", "status", "verify_url", "token"} {
			if _, ok := cert[k]; !ok {
				t.Errorf("certificate JSON lacks %q", k)
			}
		}
	})
	t.Run("OKNoIssuer", func(t *testing.T) {
		e := newEnv(t)
		e.fill("mini", 1)
		svc := NewService(e.db, e.clk, e.bank, nil, Config{})
		u := e.addUser("u1", "Ada")
		a, err := svc.Start(ctx, u, "", "mini")
		if err != nil {
			t.Fatal(err)
		}
		e.answerAll(u, a.ID, 5)
		res, err := svc.Submit(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != OutcomePassed || res.Certificate != nil || !strings.Contains(mustJSON(t, res), `"certificate":null`) {
			t.Errorf("result = %s", mustJSON(t, res))
		}
	})
	t.Run("ErrAttemptOpen", func(t *testing.T) {
		e := newEnv(t)
		e.fill("mini", 1)
		u := e.addUser("u1", "Ada")
		a := e.start(u, "mini")
		_, err := e.svc.Result(ctx, u, a.ID)
		wantErr(t, err, ErrAttemptOpen)
	})
	t.Run("ErrNotFoundOtherUser", func(t *testing.T) {
		e := newEnv(t)
		e.fill("mini", 1)
		u := e.addUser("u1", "Ada")
		other := e.addUser("u2", "Bob")
		a := e.start(u, "mini")
		_, err := e.svc.Submit(ctx, other, a.ID)
		wantErr(t, err, ErrNotFound)
		_, err = e.svc.Result(ctx, other, a.ID)
		wantErr(t, err, ErrNotFound)
		_, err = e.svc.Attempt(ctx, other, a.ID)
		wantErr(t, err, ErrNotFound)
	})
}
