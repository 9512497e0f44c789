package exam

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/db"
)

// MaxCommentRunes bounds a candidate's comment on a question.
const MaxCommentRunes = 2000

// DefaultChallengeDays is how long after submitting a candidate may still
// comment on the questions of an attempt (Config.ChallengeDays).
const DefaultChallengeDays = 14

// Decisions on a challenge.
const (
	DecisionUpheld   = "upheld"
	DecisionRejected = "rejected"
)

// Challenge is a candidate's comment on one question of an attempt and the
// decision on it. It never carries the key: the candidate sees their own
// words and the response.
type Challenge struct {
	ID          string     `json:"id"`
	ItemID      string     `json:"item_id"`
	ItemVersion int        `json:"item_version"`
	AttemptID   string     `json:"attempt_id"`
	QuestionID  string     `json:"question_id"`
	UserID      string     `json:"-"`
	Text        string     `json:"text"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Status      string     `json:"status"` // open or decided
	Decision    string     `json:"decision"`
	Response    string     `json:"response"`
	DecidedBy   string     `json:"decided_by"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
}

// ChallengeFilter narrows the review queue.
type ChallengeFilter struct {
	Status string // open, decided or "" for both
	ItemID string
}

// Challenge errors.
var (
	ErrChallengeWindowClosed = apperr.New(apperr.Conflict, "challenge_window_closed", "The time for comments on this attempt has passed.")
	ErrChallengeDecided      = apperr.New(apperr.Conflict, "challenge_decided", "This comment has been decided and can no longer change.")
	ErrChallengeNotFound     = apperr.New(apperr.NotFound, "challenge_not_found", "No challenge has that id.")
	ErrConflictOfInterest    = apperr.New(apperr.Conflict, "conflict_of_interest", "You last edited this item, so another administrator must decide its challenges.")
)

// challengeWindow is how long after submission comments stay open.
func (s *Service) challengeWindow() time.Duration {
	days := s.cfg.ChallengeDays
	if days <= 0 {
		days = DefaultChallengeDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// SaveComment stores the user's comment on a question: while the attempt
// runs, and for the challenge window after it was submitted. Empty text
// withdraws an undecided comment. Another user's attempt is ErrNotFound.
func (s *Service) SaveComment(ctx context.Context, userID, attemptID, questionID, text string) (*Challenge, error) {
	text = strings.TrimSpace(text)
	if !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxCommentRunes {
		return nil, codeCommentTooLong.Msg("Keep the comment under %d characters.", MaxCommentRunes).On("text")
	}
	var out *Challenge
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		a, err := findAttempt(ctx, tx, userID, attemptID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if a.Status != StatusInProgress && (a.SubmittedAt == nil || now.After(a.SubmittedAt.Add(s.challengeWindow()))) {
			return ErrChallengeWindowClosed
		}
		var itemID string
		var version int
		err = tx.QueryRowContext(ctx, `SELECT item_id, item_version FROM attempt_questions
			WHERE attempt_id = ? AND question_id = ?`, attemptID, questionID).Scan(&itemID, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrQuestionNotFound
		}
		if err != nil {
			return fmt.Errorf("comment on %s/%s: %w", attemptID, questionID, err)
		}
		cur, err := findChallengeWhere(ctx, tx, `attempt_id = ? AND question_id = ?`, attemptID, questionID)
		if err != nil && !errors.Is(err, ErrChallengeNotFound) {
			return err
		}
		if cur != nil && cur.Status == "decided" {
			return ErrChallengeDecided
		}
		switch {
		case cur == nil && text == "":
			return nil
		case cur == nil:
			out = &Challenge{ID: db.NewID("ch"), ItemID: itemID, ItemVersion: version, AttemptID: attemptID,
				QuestionID: questionID, UserID: a.UserID, Text: text, CreatedAt: now, UpdatedAt: now, Status: "open"}
			_, err = tx.ExecContext(ctx, `INSERT INTO challenges (id, attempt_id, question_id, user_id, item_id,
				item_version, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				out.ID, attemptID, questionID, a.UserID, itemID, version, text, now, now)
		case text == "":
			_, err = tx.ExecContext(ctx, `DELETE FROM challenges WHERE id = ?`, cur.ID)
		default:
			cur.Text, cur.UpdatedAt, out = text, now, cur
			_, err = tx.ExecContext(ctx, `UPDATE challenges SET text = ?, updated_at = ? WHERE id = ?`, text, now, cur.ID)
		}
		if err != nil {
			return fmt.Errorf("save comment on %s/%s: %w", attemptID, questionID, err)
		}
		return nil
	})
	return out, err
}

// Comments returns the user's comments on an attempt by question id.
func (s *Service) Comments(ctx context.Context, userID, attemptID string) (map[string]*Challenge, error) {
	out := map[string]*Challenge{}
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		if _, err := findAttempt(ctx, tx, userID, attemptID); err != nil {
			return err
		}
		list, err := findChallenges(ctx, tx, `WHERE attempt_id = ?`, attemptID)
		for _, c := range list {
			out[c.QuestionID] = c
		}
		return err
	})
	return out, err
}

// CommentsOpen reports whether the attempt still takes comments at now.
func (s *Service) CommentsOpen(status Status, submittedAt *time.Time) bool {
	return status == StatusInProgress || (submittedAt != nil && !s.clock.Now().After(submittedAt.Add(s.challengeWindow())))
}

// Challenges lists the review queue, grouped by item (item id, then oldest
// first).
func (s *Service) Challenges(ctx context.Context, f ChallengeFilter) ([]*Challenge, error) {
	var where []string
	var args []any
	if f.Status != "" {
		if f.Status != "open" && f.Status != "decided" {
			return nil, codeChallengeStatus.Msg("Use open or decided.").On("status")
		}
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.ItemID != "" {
		where, args = append(where, "item_id = ?"), append(args, f.ItemID)
	}
	q := ""
	if len(where) > 0 {
		q = "WHERE " + strings.Join(where, " AND ")
	}
	var out []*Challenge
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = findChallenges(ctx, tx, q, args...)
		return err
	})
	return out, err
}

// DecideChallenge records an admin's decision and the response the
// candidate will read. ISO/IEC 17024 wants appeals decided by people not
// involved in the original decision: an admin who wrote the item's newest
// version or made its last edit cannot decide (ErrConflictOfInterest).
func (s *Service) DecideChallenge(ctx context.Context, id, decision, response, actor string) (*Challenge, error) {
	response = strings.TrimSpace(response)
	f := apperr.FieldMsgs{}
	if decision != DecisionUpheld && decision != DecisionRejected {
		f["decision"] = codeChallengeDecision.Msg("Choose upheld or rejected.")
	}
	if response == "" || utf8.RuneCountInString(response) > MaxCommentRunes {
		f["response"] = codeChallengeResponse.Msg("Write a response for the candidate, at most %d characters.", MaxCommentRunes)
	}
	if len(f) > 0 {
		return nil, f.Err()
	}
	var out *Challenge
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		c, err := findChallengeWhere(ctx, tx, `id = ?`, id)
		if err != nil {
			return err
		}
		if c.Status == "decided" {
			return ErrChallengeDecided
		}
		editors, err := lastEditors(ctx, tx, c.ItemID)
		if err != nil {
			return err
		}
		for _, e := range editors {
			if strings.EqualFold(e, actor) {
				return ErrConflictOfInterest
			}
		}
		now := s.clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE challenges SET status = 'decided', decision = ?, response = ?,
			decided_by = ?, decided_at = ? WHERE id = ?`, decision, response, actor, now, id); err != nil {
			return fmt.Errorf("decide challenge %s: %w", id, err)
		}
		c.Status, c.Decision, c.Response, c.DecidedBy, c.DecidedAt = "decided", decision, response, actor, &now
		out = c
		return nil
	})
	return out, err
}

// lastEditors is who is "involved" in an item: the author recorded on its
// newest version and the actor of its last create or edit event.
func lastEditors(ctx context.Context, tx *sql.Tx, itemID string) ([]string, error) {
	var out []string
	var author string
	err := tx.QueryRowContext(ctx, `SELECT author FROM item_versions WHERE item_id = ?
		ORDER BY version DESC LIMIT 1`, itemID).Scan(&author)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("item %s author: %w", itemID, err)
	}
	if author != "" {
		out = append(out, author)
	}
	var editor string
	err = tx.QueryRowContext(ctx, `SELECT actor FROM item_events WHERE item_id = ? AND action IN ('create', 'edit')
		ORDER BY id DESC LIMIT 1`, itemID).Scan(&editor)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("item %s editor: %w", itemID, err)
	}
	if editor != "" {
		out = append(out, editor)
	}
	return out, nil
}

const challengeColumns = `id, attempt_id, question_id, user_id, item_id, item_version, text, created_at, updated_at,
	status, decision, response, decided_by, decided_at`

func scanChallenge(r interface{ Scan(...any) error }) (*Challenge, error) {
	var c Challenge
	var at sql.NullTime
	if err := r.Scan(&c.ID, &c.AttemptID, &c.QuestionID, &c.UserID, &c.ItemID, &c.ItemVersion, &c.Text,
		&c.CreatedAt, &c.UpdatedAt, &c.Status, &c.Decision, &c.Response, &c.DecidedBy, &at); err != nil {
		return nil, err
	}
	if at.Valid {
		c.DecidedAt = &at.Time
	}
	return &c, nil
}

func findChallengeWhere(ctx context.Context, tx *sql.Tx, cond string, args ...any) (*Challenge, error) {
	c, err := scanChallenge(tx.QueryRowContext(ctx, `SELECT `+challengeColumns+` FROM challenges WHERE `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrChallengeNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find challenge: %w", err)
	}
	return c, nil
}

func findChallenges(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*Challenge, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+challengeColumns+` FROM challenges `+where+
		` ORDER BY item_id, created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list challenges: %w", err)
	}
	defer rows.Close()
	out := []*Challenge{}
	for rows.Next() {
		c, err := scanChallenge(rows)
		if err != nil {
			return nil, fmt.Errorf("list challenges: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
