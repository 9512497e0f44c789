package exam

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
)

// firstOfType returns the id of the first question of type t.
func firstOfType(a *Attempt, t bank.Type) string {
	for _, q := range a.Questions {
		if q.Type == t {
			return q.ID
		}
	}
	return ""
}

func TestSaveAnswer(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	trio := miniTier()
	trio.Code, trio.Level, trio.Blueprint = "trio", 11, Blueprint{bank.Concepts: 3}
	e.addTier(trio)
	e.addItems("trio", bank.Concepts, 3) // one item of each type
	u := e.addUser("u1", "Ada")
	other := e.addUser("u2", "Bob")
	a := e.start(u, "trio")
	single, multiple, tf := firstOfType(a, bank.Single), firstOfType(a, bank.Multiple), firstOfType(a, bank.TrueFalse)
	if single == "" || multiple == "" || tf == "" {
		t.Fatalf("form lacks a type: %+v", a.Questions)
	}

	tests := []struct {
		name     string
		user     string
		attempt  string
		question string
		choices  []string
		flagged  bool
		want     *apperr.Error
		answer   *Answer // what GET then shows (nil: null)
	}{
		{name: "OKSingle", question: single, choices: []string{"c"}, answer: &Answer{Choices: []string{"c"}}},
		{name: "OKRepeatIsIdempotent", question: single, choices: []string{"c"}, answer: &Answer{Choices: []string{"c"}}},
		{name: "OKChange", question: single, choices: []string{"a"}, answer: &Answer{Choices: []string{"a"}}},
		{name: "OKMultipleSorted", question: multiple, choices: []string{"d", "a"}, answer: &Answer{Choices: []string{"a", "d"}}},
		{name: "OKTrueFalse", question: tf, choices: []string{"b"}, answer: &Answer{Choices: []string{"b"}}},
		{name: "OKFlagged", question: tf, choices: []string{"b"}, flagged: true, answer: &Answer{Choices: []string{"b"}, Flagged: true}},
		{name: "OKFlagWithoutAnswer", question: multiple, choices: nil, flagged: true, answer: &Answer{Choices: []string{}, Flagged: true}},
		{name: "OKClear", question: single, choices: []string{}, answer: nil},
		{name: "ErrInvalidChoiceUnknownOption", question: single, choices: []string{"e"}, want: ErrInvalidChoice},
		{name: "ErrInvalidChoiceUpperCase", question: single, choices: []string{"A"}, want: ErrInvalidChoice},
		{name: "ErrInvalidChoiceTwoForSingle", question: single, choices: []string{"a", "b"}, want: ErrInvalidChoice},
		{name: "ErrInvalidChoiceTwoForTrueFalse", question: tf, choices: []string{"a", "b"}, want: ErrInvalidChoice},
		{name: "ErrInvalidChoiceTrueFalseThird", question: tf, choices: []string{"c"}, want: ErrInvalidChoice},
		{name: "ErrInvalidChoiceDuplicate", question: multiple, choices: []string{"a", "a"}, want: ErrInvalidChoice},
		{name: "ErrQuestionNotFound", question: "q99", choices: []string{"a"}, want: ErrQuestionNotFound},
		{name: "ErrNotFoundOtherUser", user: other, question: single, choices: []string{"a"}, want: ErrNotFound},
		{name: "ErrNotFoundNoAttempt", attempt: "a_nope", question: single, choices: []string{"a"}, want: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, attempt := u, a.ID
			if tt.user != "" {
				user = tt.user
			}
			if tt.attempt != "" {
				attempt = tt.attempt
			}
			before := e.count(`SELECT count(*) FROM answers`)
			ack, err := e.svc.SaveAnswer(ctx, user, attempt, tt.question, tt.choices, tt.flagged)
			if tt.want != nil {
				wantErr(t, err, tt.want)
				if got := e.count(`SELECT count(*) FROM answers`); got != before {
					t.Errorf("a refused save changed the answers: %d -> %d", before, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("save: %v", err)
			}
			if !ack.SavedAt.Equal(e.clk.Now()) || ack.RemainingSeconds != 600 {
				t.Errorf("ack = %+v", ack)
			}
			got, err := e.svc.Attempt(ctx, u, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range got.Questions {
				if q.ID == tt.question && !reflect.DeepEqual(q.Answer, tt.answer) {
					t.Errorf("answer = %+v, want %+v", q.Answer, tt.answer)
				}
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (*env, string, *Attempt) {
		e := newEnv(t)
		e.fill("mini", 1)
		u := e.addUser("u1", "Ada")
		return e, u, e.start(u, "mini")
	}
	t.Run("OKSaveWithinGrace", func(t *testing.T) {
		e, u, a := setup(t)
		e.clk.Set(a.Deadline.Add(DefaultGrace))
		ack, err := e.svc.SaveAnswer(ctx, u, a.ID, "q1", []string{"a"}, false)
		if err != nil {
			t.Fatal(err)
		}
		if ack.RemainingSeconds != 0 {
			t.Errorf("remaining = %d", ack.RemainingSeconds)
		}
	})
	t.Run("ErrSaveAfterGrace", func(t *testing.T) {
		e, u, a := setup(t)
		e.clk.Set(a.Deadline.Add(DefaultGrace + time.Millisecond))
		_, err := e.svc.SaveAnswer(ctx, u, a.ID, "q1", []string{"a"}, false)
		ae := wantErr(t, err, ErrAttemptClosed)
		if !strings.Contains(ae.Message, "time is up") {
			t.Errorf("message = %q", ae.Message)
		}
	})
	t.Run("ErrSaveAfterSubmit", func(t *testing.T) {
		e, u, a := setup(t)
		if _, err := e.svc.Submit(ctx, u, a.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.SaveAnswer(ctx, u, a.ID, "q1", []string{"a"}, false)
		ae := wantErr(t, err, ErrAttemptClosed)
		if !strings.Contains(ae.Message, "already submitted") {
			t.Errorf("message = %q", ae.Message)
		}
	})
	t.Run("OKSubmitWithinGrace", func(t *testing.T) {
		e, u, a := setup(t)
		at := a.Deadline.Add(3 * time.Second)
		e.clk.Set(at)
		res, err := e.svc.Submit(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.AutoSubmitted || !res.SubmittedAt.Equal(at) {
			t.Errorf("result = %+v", res)
		}
	})
	t.Run("ErrExpiredSubmitAfterGrace", func(t *testing.T) {
		e, u, a := setup(t)
		e.answerAll(u, a.ID, 5)
		e.clk.Set(a.Deadline.Add(time.Hour))
		res, err := e.svc.Submit(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !res.AutoSubmitted || !res.SubmittedAt.Equal(a.Deadline) || res.Outcome != OutcomePassed {
			t.Errorf("result = %+v", res)
		}
		got, err := e.svc.Attempt(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusExpired || got.RemainingSeconds != 0 {
			t.Errorf("attempt status %s remaining %d", got.Status, got.RemainingSeconds)
		}
	})
	t.Run("OKResultExpiresLazily", func(t *testing.T) {
		// No sweeper has run: asking for the result closes the attempt.
		e, u, a := setup(t)
		e.clk.Set(a.Deadline.Add(time.Minute))
		res, err := e.svc.Result(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !res.AutoSubmitted || !res.SubmittedAt.Equal(a.Deadline) {
			t.Errorf("result = %+v", res)
		}
	})
	t.Run("OKRemainingCountsDown", func(t *testing.T) {
		e, u, a := setup(t)
		e.clk.Advance(90*time.Second + 500*time.Millisecond)
		got, err := e.svc.Attempt(ctx, u, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.RemainingSeconds != 509 {
			t.Errorf("remaining = %d, want 509", got.RemainingSeconds)
		}
	})
}

func TestAccommodation(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		multiplier float64
		want       time.Duration
		err        *apperr.Error
	}{
		{"OKNone", 0, 600 * time.Second, nil},
		{"OKHalfAgain", 1.5, 900 * time.Second, nil},
		{"OKDouble", 2, 1200 * time.Second, nil},
		{"OKTenPercent", 1.1, 660 * time.Second, nil},
		{"OKOddMultiplierRoundsUp", 1.0005, 601 * time.Second, nil},
		{"ErrBelowOne", 0.5, 0, apperr.Fielded(nil)},
		{"ErrAboveFour", 4.5, 0, apperr.Fielded(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.fill("mini", 1)
			u := e.addUser("u1", "Ada")
			if tt.multiplier != 0 {
				err := e.svc.GrantAccommodation(ctx, u, tt.multiplier, "documented need", "admin")
				if tt.err != nil {
					wantErr(t, err, tt.err)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			a := e.start(u, "mini")
			if got := a.Deadline.Sub(a.StartedAt); got != tt.want {
				t.Errorf("time = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("ErrUserNotFound", func(t *testing.T) {
		e := newEnv(t)
		wantErr(t, e.svc.GrantAccommodation(ctx, "u_nobody", 1.5, "", "admin"), ErrUserNotFound)
	})
}
