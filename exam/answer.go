package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mopscert/mopscert/bank"
)

// SaveAck acknowledges a committed answer.
type SaveAck struct {
	SavedAt          time.Time `json:"saved_at"`
	RemainingSeconds int       `json:"remaining_seconds"`
}

// AnswerInput is what a candidate sends for one question: Choices for the
// option types (see Answer), Value for numeric, and the review flag.
type AnswerInput struct {
	Choices []string
	Value   string
	Flagged bool
}

// maxValueLen bounds a typed numeric answer; no honest number is longer.
const maxValueLen = 64

// SaveAnswer saves choices for an option question; see SaveResponse.
func (s *Service) SaveAnswer(ctx context.Context, userID, attemptID, questionID string, choices []string, flagged bool) (SaveAck, error) {
	return s.SaveResponse(ctx, userID, attemptID, questionID, AnswerInput{Choices: choices, Flagged: flagged})
}

// SaveResponse stores the candidate's answer to one question, replacing any
// earlier one (saving the same answer twice is harmless). An empty answer
// clears it; flagged marks the question for review. It returns only after
// the answer has committed: saves go through the group-commit writer, each
// in its own savepoint, and each checks the attempt inside the writer, so a
// save either lands before a submit (and is graded) or is refused with
// attempt_closed, never lost in between.
func (s *Service) SaveResponse(ctx context.Context, userID, attemptID, questionID string, in AnswerInput) (SaveAck, error) {
	var ack SaveAck
	// What needs no database is checked first: it costs the writer nothing.
	if len(in.Value) > maxValueLen {
		return SaveAck{}, ErrInvalidChoice.Worded(codeAnswerTooLong.Msg("That answer is too long to be a number."))
	}
	if in.Choices == nil {
		in.Choices = []string{}
	}
	// Taken before queueing: the deadline check uses when the answer
	// arrived, however long it then waits for the writer.
	arrived := arrival(ctx, s.clock.Now())
	err := s.db.Batch(ctx, func(tx *sql.Tx) error {
		// Once the writer runs it, the save completes even if the client
		// has gone: a cancellable context would also cost a watcher
		// goroutine per statement on the hot path.
		ctx := context.WithoutCancel(ctx)
		deadline, err := s.saveTx(ctx, tx, userID, attemptID, questionID, in, arrived)
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

// saveTx is SaveResponse inside the writer; now is when the answer arrived.
// It returns the attempt's deadline.
func (s *Service) saveTx(ctx context.Context, tx *sql.Tx, userID, attemptID, questionID string, in AnswerInput, now time.Time) (time.Time, error) {
	var owner string
	var status Status
	var deadline time.Time
	var qType, order, matchOrder sql.NullString
	var lang string
	err := tx.QueryRowContext(ctx, `SELECT a.user_id, a.status, a.deadline, a.language, q.type, q.option_order, q.match_order
		FROM attempts a LEFT JOIN attempt_questions q ON q.attempt_id = a.id AND q.question_id = ?
		WHERE a.id = ?`, questionID, attemptID).Scan(&owner, &status, &deadline, &lang, &qType, &order, &matchOrder)
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
	var ord, mord []int
	if err := json.Unmarshal([]byte(order.String), &ord); err != nil {
		return deadline, fmt.Errorf("save answer: option order: %w", err)
	}
	if err := json.Unmarshal([]byte(matchOrder.String), &mord); err != nil {
		return deadline, fmt.Errorf("save answer: match order: %w", err)
	}
	choices, value, err := normalizeAnswer(bank.Type(qType.String), len(ord), len(mord), lang, in)
	if err != nil {
		return deadline, err
	}
	if len(choices) == 0 && value == "" && !in.Flagged {
		// Nothing left to keep: the question is back to unanswered (null).
		if _, err := tx.ExecContext(ctx, `DELETE FROM answers WHERE attempt_id = ? AND question_id = ?`,
			attemptID, questionID); err != nil {
			return deadline, fmt.Errorf("clear answer: %w", err)
		}
		return deadline, nil
	}
	js, _ := json.Marshal(choices)
	// The authored option indexes, for the statistics' option analysis; only
	// choice questions have options to analyse.
	authored := "[]"
	switch bank.Type(qType.String) {
	case bank.Single, bank.Multiple, bank.TrueFalse:
		authored = authoredJSON(ord, choices)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO answers (attempt_id, question_id, choices, value, flagged, saved_at, authored, first_saved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (attempt_id, question_id) DO UPDATE
		SET choices = excluded.choices, value = excluded.value, flagged = excluded.flagged, saved_at = excluded.saved_at, authored = excluded.authored`,
		attemptID, questionID, string(js), value, in.Flagged, now, authored, now); err != nil {
		return deadline, fmt.Errorf("save answer: %w", err)
	}
	return deadline, nil
}

// normalizeAnswer checks an answer against a question of type t with n
// displayed options (m displayed answers for matching) and returns what is
// stored: the choices (sorted for the option types, in the candidate's
// order for ordering, per prompt for matching) and the typed value. An
// empty answer comes back as no choices and no value. A typed number is
// read in lang, the attempt's language (grading reads it the same way); the
// value is stored as typed.
func normalizeAnswer(t bank.Type, n, m int, lang string, in AnswerInput) ([]string, string, error) {
	value := strings.TrimSpace(in.Value)
	if t != bank.Numeric && value != "" {
		return nil, "", ErrInvalidChoice.Worded(codeAnswerNotTyped.Msg("This question takes choices, not a typed value."))
	}
	switch t {
	case bank.Numeric:
		if len(in.Choices) > 0 {
			return nil, "", ErrInvalidChoice.Worded(codeAnswerNotChoices.Msg("This question takes a typed number, not choices."))
		}
		if value == "" {
			return []string{}, "", nil
		}
		if _, err := bank.ParseNumberIn(value, lang); err != nil {
			return nil, "", numberMessage(value, err)
		}
		return []string{}, value, nil
	case bank.Ordering:
		if len(in.Choices) == 0 {
			return []string{}, "", nil
		}
		if len(in.Choices) != n {
			return nil, "", ErrInvalidChoice.Worded(codeAnswerOrderAll.Msg("Put all %d options in order.", n))
		}
		seen := make([]bool, n)
		for _, c := range in.Choices {
			p := optionIndex(c, n)
			switch {
			case p < 0:
				return nil, "", ErrInvalidChoice.Worded(codeAnswerNoOption.Msg("The question has no option %q.", c))
			case seen[p]:
				return nil, "", ErrInvalidChoice.Worded(codeAnswerPlacedTwice.Msg("Option %q is placed twice.", c))
			}
			seen[p] = true
		}
		return append([]string{}, in.Choices...), "", nil
	case bank.Matching:
		blank := true
		for _, c := range in.Choices {
			blank = blank && c == ""
		}
		if blank {
			return []string{}, "", nil
		}
		if len(in.Choices) != n {
			return nil, "", ErrInvalidChoice.Worded(codeAnswerEachPrompt.Msg("Give one answer (or none) for each of the %d prompts.", n))
		}
		for _, c := range in.Choices {
			if c != "" && optionIndex(c, m) < 0 {
				return nil, "", ErrInvalidChoice.Worded(codeAnswerNoAnswer.Msg("The question has no answer %q.", c))
			}
		}
		return append([]string{}, in.Choices...), "", nil
	}
	norm, err := normalizeChoices(in.Choices)
	if err != nil {
		return nil, "", err
	}
	return norm, "", checkChoices(t, n, norm)
}

// numberMessage says why a typed value is not read as a number.
func numberMessage(value string, err error) error {
	if errors.Is(err, bank.ErrNumberAmbiguous) {
		return ErrInvalidChoice.Worded(codeAnswerAmbiguous.Msg(
			"%q could be read two ways. Type it without a thousands separator, for example 1250 or 1.25.", value)).With("value", value)
	}
	return ErrInvalidChoice.Worded(codeAnswerNotNumber.Msg(
		"%q is not a number. Type digits, with a point or a comma for decimals, for example 13.5.", value)).With("value", value)
}

// normalizeChoices sorts the option ids and refuses duplicates. A nil slice
// becomes empty so it is stored as [] and shown as [].
func normalizeChoices(choices []string) ([]string, error) {
	out := append([]string{}, choices...)
	sort.Strings(out)
	for i := 1; i < len(out); i++ {
		if out[i] == out[i-1] {
			return nil, ErrInvalidChoice.Worded(codeAnswerChosenTwice.Msg("Option %q is chosen twice.", out[i]))
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
			return ErrInvalidChoice.Worded(codeAnswerNoOption.Msg("The question has no option %q.", c))
		}
	}
	if t != bank.Multiple && len(choices) > 1 {
		return ErrInvalidChoice.Worded(codeAnswerOneChoice.Msg("This question takes exactly one choice."))
	}
	return nil
}
