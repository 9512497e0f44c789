package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/mopscert/mopscert/bank"
)

// SaveAck acknowledges a committed answer.
type SaveAck struct {
	SavedAt          time.Time `json:"saved_at"`
	RemainingSeconds int       `json:"remaining_seconds"`
}

// SaveAnswer stores the candidate's answer to one question, replacing any
// earlier one (saving the same answer twice is harmless). Empty choices
// clear the answer; flagged marks the question for review. It returns only
// after the answer has committed: saves go through the group-commit writer,
// each in its own savepoint, and each checks the attempt inside the writer,
// so a save either lands before a submit (and is graded) or is refused with
// attempt_closed, never lost in between.
func (s *Service) SaveAnswer(ctx context.Context, userID, attemptID, questionID string, choices []string, flagged bool) (SaveAck, error) {
	var ack SaveAck
	// Validate what needs no database first: it costs the writer nothing.
	norm, err := normalizeChoices(choices)
	if err != nil {
		return SaveAck{}, err
	}
	// Taken before queueing: the deadline check uses when the answer
	// arrived, however long it then waits for the writer.
	arrived := arrival(ctx, s.clock.Now())
	err = s.db.Batch(ctx, func(tx *sql.Tx) error {
		// Once the writer runs it, the save completes even if the client
		// has gone: a cancellable context would also cost a watcher
		// goroutine per statement on the hot path.
		ctx := context.WithoutCancel(ctx)
		deadline, err := s.saveTx(ctx, tx, userID, attemptID, questionID, norm, flagged, arrived)
		if err != nil {
			return err
		}
		// The time left is counted from now, so the client's countdown
		// stays true to the server's clock.
		ack = SaveAck{SavedAt: arrived, RemainingSeconds: remaining(deadline, s.clock.Now())}
		return nil
	})
	if err != nil {
		return SaveAck{}, err
	}
	return ack, nil
}

// saveTx is SaveAnswer inside the writer; now is when the answer arrived. It
// returns the attempt's deadline.
func (s *Service) saveTx(ctx context.Context, tx *sql.Tx, userID, attemptID, questionID string, choices []string, flagged bool, now time.Time) (time.Time, error) {
	var owner string
	var status Status
	var deadline time.Time
	var qType sql.NullString
	var order sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT a.user_id, a.status, a.deadline, q.type, q.option_order
		FROM attempts a LEFT JOIN attempt_questions q ON q.attempt_id = a.id AND q.question_id = ?
		WHERE a.id = ?`, questionID, attemptID).Scan(&owner, &status, &deadline, &qType, &order)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != userID) {
		return deadline, ErrNotFound
	}
	if err != nil {
		return deadline, fmt.Errorf("save answer: read attempt: %w", err)
	}
	switch {
	case status != StatusInProgress:
		return deadline, errClosedSubmitted
	case now.After(deadline.Add(s.cfg.Grace)):
		return deadline, errClosedTimeUp
	case !qType.Valid:
		return deadline, ErrQuestionNotFound
	}
	var ord []int
	if err := json.Unmarshal([]byte(order.String), &ord); err != nil {
		return deadline, fmt.Errorf("save answer: option order: %w", err)
	}
	if err := checkChoices(bank.Type(qType.String), len(ord), choices); err != nil {
		return deadline, err
	}
	if len(choices) == 0 && !flagged {
		// Nothing left to keep: the question is back to unanswered (null).
		if _, err := tx.ExecContext(ctx, `DELETE FROM answers WHERE attempt_id = ? AND question_id = ?`,
			attemptID, questionID); err != nil {
			return deadline, fmt.Errorf("clear answer: %w", err)
		}
		return deadline, nil
	}
	js, _ := json.Marshal(choices)
	if _, err := tx.ExecContext(ctx, `INSERT INTO answers (attempt_id, question_id, choices, flagged, saved_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (attempt_id, question_id) DO UPDATE
		SET choices = excluded.choices, flagged = excluded.flagged, saved_at = excluded.saved_at`,
		attemptID, questionID, string(js), flagged, now); err != nil {
		return deadline, fmt.Errorf("save answer: %w", err)
	}
	return deadline, nil
}

// normalizeChoices sorts the option ids and refuses duplicates. A nil slice
// becomes empty so it is stored as [] and shown as [].
func normalizeChoices(choices []string) ([]string, error) {
	out := append([]string{}, choices...)
	sort.Strings(out)
	for i := 1; i < len(out); i++ {
		if out[i] == out[i-1] {
			return nil, withMessage(ErrInvalidChoice, fmt.Sprintf("Option %q is chosen twice.", out[i]))
		}
	}
	return out, nil
}

// checkChoices validates sorted, distinct option ids for a question of type
// t with n options: every id must be displayed; single and true/false take
// one choice, multiple any number; none clears the answer.
func checkChoices(t bank.Type, n int, choices []string) error {
	for _, c := range choices {
		if optionIndex(c, n) < 0 {
			return withMessage(ErrInvalidChoice, fmt.Sprintf("The question has no option %q.", c))
		}
	}
	if t != bank.Multiple && len(choices) > 1 {
		return withMessage(ErrInvalidChoice, "This question takes exactly one choice.")
	}
	return nil
}
