package exam

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

// typedTier is a tier whose form is one numeric, one ordering and one
// matching item (concepts 3).
func (e *env) typedTier() {
	e.tb.Helper()
	t := miniTier()
	t.Code, t.Name, t.Level = "typed", "Typed", 11
	t.Blueprint = Blueprint{bank.Concepts: 3}
	e.addTier(t)
	for _, it := range []*bank.Item{{
		ID: "typed-numeric", Type: bank.Numeric, Stem: "Using the exhibit, what share breached the SLA?",
		Exhibit: "| Month | Routed | Late |\n|---|---:|---:|\n| Jan | 400 | 48 |",
		Numeric: &bank.NumericKey{Value: 13.3, Tolerance: 0.1, Unit: "%"},
	}, {
		ID: "typed-ordering", Type: bank.Ordering, Stem: "Put the lifecycle stages in order.",
		Options: []bank.Option{{Text: "Inquiry"}, {Text: "MQL"}, {Text: "SQL"}, {Text: "Opportunity"}},
	}, {
		ID: "typed-matching", Type: bank.Matching, Stem: "Match each tool category to its job.",
		Options: []bank.Option{{Text: "CDP", Match: "Unify profiles"}, {Text: "CRM", Match: "Track deals"},
			{Text: "MAP", Match: "Send nurtures"}},
	}} {
		it.Status, it.Domain, it.Tiers = bank.Active, bank.Concepts, []string{"typed"}
		if err := e.bank.CreateItem(context.Background(), it, "test"); err != nil {
			e.tb.Fatalf("create %s: %v", it.ID, err)
		}
	}
}

// typedKey is the right answer to each question of a typed attempt, as a
// candidate would send it.
func (e *env) typedKey(attemptID string) map[string]AnswerInput {
	e.tb.Helper()
	ctx := context.Background()
	var qs []questionRow
	if err := e.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		qs, err = findQuestions(ctx, tx, attemptID)
		return err
	}); err != nil {
		e.tb.Fatal(err)
	}
	out := map[string]AnswerInput{}
	for _, q := range qs {
		var in AnswerInput
		switch q.Type {
		case bank.Numeric:
			in.Value = "13,3 %"
		case bank.Ordering:
			for k := range q.Order {
				for p, idx := range q.Order {
					if idx == k {
						in.Choices = append(in.Choices, optionID(p))
					}
				}
			}
		case bank.Matching:
			for _, idx := range q.Order {
				for m, midx := range q.MatchOrder {
					if midx == idx {
						in.Choices = append(in.Choices, optionID(m))
					}
				}
			}
		}
		out[q.ID] = in
	}
	return out
}

func TestTypedAttemptSaveResumeGrade(t *testing.T) {
	e := newEnv(t)
	e.typedTier()
	u := e.addUser("u1", "Ann")
	ctx := context.Background()
	a := e.start(u, "typed")

	byType := map[bank.Type]Question{}
	for _, q := range a.Questions {
		byType[q.Type] = q
	}
	num, ord, mat := byType[bank.Numeric], byType[bank.Ordering], byType[bank.Matching]
	if len(num.Options) != 0 || num.Unit != "%" || !strings.Contains(num.Exhibit, "<table>") || !strings.Contains(num.Exhibit, "<th>Month</th>") {
		t.Errorf("numeric question = %+v", num)
	}
	if len(ord.Options) != 4 || len(ord.Matches) != 0 {
		t.Errorf("ordering question = %+v", ord)
	}
	if len(mat.Options) != 3 || len(mat.Matches) != 3 || mat.Matches[0].ID != "a" {
		t.Errorf("matching question = %+v", mat)
	}
	js := mustJSON(t, a)
	for _, leak := range []string{"13.3", "tolerance", "correct", `"match"`} {
		if strings.Contains(js, leak) {
			t.Errorf("the attempt reveals %q:\n%s", leak, js)
		}
	}
	var shown []string
	for _, o := range ord.Options {
		shown = append(shown, o.Text)
	}
	if strings.Join(shown, ",") == "Inquiry,MQL,SQL,Opportunity" {
		t.Error("the ordering question is shown in its correct order")
	}

	key := e.typedKey(a.ID)
	for qid, in := range key {
		if _, err := e.svc.SaveResponse(ctx, u, a.ID, qid, in); err != nil {
			t.Fatalf("save %s %+v: %v", qid, in, err)
		}
	}

	// Refused answers, each with invalid_choice and a message.
	bad := []struct {
		name string
		qid  string
		in   AnswerInput
	}{
		{"NumericText", num.ID, AnswerInput{Value: "about thirteen"}},
		{"NumericTwoDecimalSeparators", num.ID, AnswerInput{Value: "1.2.3,4,5"}},
		{"NumericChoices", num.ID, AnswerInput{Choices: []string{"a"}}},
		{"OrderingIncomplete", ord.ID, AnswerInput{Choices: []string{"a", "b"}}},
		{"OrderingTwice", ord.ID, AnswerInput{Choices: []string{"a", "a", "b", "c"}}},
		{"OrderingUnknown", ord.ID, AnswerInput{Choices: []string{"a", "b", "c", "z"}}},
		{"MatchingShort", mat.ID, AnswerInput{Choices: []string{"a", "b"}}},
		{"MatchingUnknown", mat.ID, AnswerInput{Choices: []string{"a", "b", "d"}}},
		{"ValueOnChoiceType", mat.ID, AnswerInput{Value: "3"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.SaveResponse(ctx, u, a.ID, tt.qid, tt.in)
			wantErr(t, err, ErrInvalidChoice)
		})
	}

	// Resume: the saved answers come back as given.
	again, err := e.svc.Attempt(ctx, u, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range again.Questions {
		want := key[q.ID]
		if q.Answer == nil {
			t.Fatalf("%s (%s) lost its answer", q.ID, q.Type)
		}
		if q.Answer.Value != want.Value || strings.Join(q.Answer.Choices, ",") != strings.Join(want.Choices, ",") {
			t.Errorf("%s (%s) resumed as %+v, saved %+v", q.ID, q.Type, q.Answer, want)
		}
	}

	res, err := e.svc.Submit(ctx, u, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Correct != 3 || res.ScorePercent != 100 {
		t.Errorf("result = %v correct, %v %%; want 3, 100", res.Correct, res.ScorePercent)
	}
}

// TestTypedAttemptWrongAndPartial: a swapped ordering and a half-right
// matching score 0 without partial credit and their share with it.
func TestTypedAttemptWrongAndPartial(t *testing.T) {
	for _, partial := range []bool{false, true} {
		e := newEnv(t)
		e.typedTier()
		if partial {
			if _, err := e.db.W.Exec(`UPDATE tiers SET partial_credit = 1 WHERE code = 'typed'`); err != nil {
				t.Fatal(err)
			}
		}
		u := e.addUser("u1", "Ann")
		ctx := context.Background()
		a := e.start(u, "typed")
		key := e.typedKey(a.ID)
		for qid, in := range key {
			switch {
			case in.Value != "":
				in.Value = "13.5" // outside 13.3 ± 0.1
			case len(in.Choices) == 4: // ordering: swap the first two of the key
				in.Choices[0], in.Choices[1] = in.Choices[1], in.Choices[0]
			default: // matching: blank the first prompt
				in.Choices[0] = ""
			}
			if _, err := e.svc.SaveResponse(ctx, u, a.ID, qid, in); err != nil {
				t.Fatalf("save %s: %v", qid, err)
			}
		}
		res, err := e.svc.Submit(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := 0.0
		if partial {
			want = round(2.0/3+2.0/3, 3) // ordering 2 of 3 pairs, matching 2 of 3 prompts
		}
		if res.Correct != want {
			t.Errorf("partial=%v: correct = %v, want %v", partial, res.Correct, want)
		}
	}
}
