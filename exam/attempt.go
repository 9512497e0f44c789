package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/mopscert/mopscert/bank"
)

// Status is where an attempt stands.
type Status string

// The statuses of an attempt.
const (
	StatusInProgress Status = "in_progress"
	StatusSubmitted  Status = "submitted"
	StatusExpired    Status = "expired" // auto-submitted at the deadline
)

// Attempt is a candidate's exam as the candidate sees it. Nothing in it
// reveals which option is correct: question ids are per attempt ("q1"…) and
// option ids are letters of the displayed, shuffled order.
type Attempt struct {
	ID               string     `json:"id"`
	UserID           string     `json:"user_id,omitempty"` // admin views only
	Tier             string     `json:"tier"`
	Language         string     `json:"language"` // en or de: the language the questions are shown in
	Status           Status     `json:"status"`
	StartedAt        time.Time  `json:"started_at"`
	Deadline         time.Time  `json:"deadline"`
	RemainingSeconds int        `json:"remaining_seconds"`
	SubmittedAt      *time.Time `json:"submitted_at,omitempty"`
	Questions        []Question `json:"questions"`
}

// Question is one question of a form. Stem and option texts are sanitized
// HTML.
type Question struct {
	ID       string      `json:"id"`
	Position int         `json:"position"`
	Domain   bank.Domain `json:"domain"`
	Type     bank.Type   `json:"type"`
	Stem     string      `json:"stem"`
	// Exhibit is sanitized HTML shown between the stem and the answer
	// area (a table or a list); empty when the item has none.
	Exhibit string `json:"exhibit,omitempty"`
	// Options: the choices; for ordering, the steps in the displayed
	// (shuffled) order; for matching, the prompts; none for numeric.
	Options []Option `json:"options"`
	// Matches are a matching question's answers, in their own shuffled
	// order, with ids "a", "b", … of that order.
	Matches []Option `json:"matches,omitempty"`
	// Unit is a numeric question's unit, shown after the input.
	Unit   string  `json:"unit,omitempty"`
	Answer *Answer `json:"answer"` // null until answered
}

// Option is one displayed choice.
type Option struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Answer is the candidate's saved answer to a question.
type Answer struct {
	// Choices: the chosen option ids (sorted); for ordering, every option
	// id in the candidate's order; for matching, per displayed prompt the
	// id of the chosen answer or "".
	Choices []string `json:"choices"`
	// Value is a numeric answer as the candidate typed it.
	Value   string `json:"value,omitempty"`
	Flagged bool   `json:"flagged"`
}

// AttemptSummary is one line of a list of attempts.
type AttemptSummary struct {
	ID            string     `json:"id"`
	UserID        string     `json:"user_id,omitempty"` // admin lists only
	Tier          string     `json:"tier"`
	Status        Status     `json:"status"`
	StartedAt     time.Time  `json:"started_at"`
	Deadline      time.Time  `json:"deadline"`
	SubmittedAt   *time.Time `json:"submitted_at"`
	AutoSubmitted bool       `json:"auto_submitted"`
	Outcome       Outcome    `json:"outcome,omitempty"`
	ScorePercent  *float64   `json:"score_percent,omitempty"`
}

// attemptRow is an attempts row.
type attemptRow struct {
	ID, UserID, Tier, HolderName string
	Status                       Status
	Seed                         int64
	StartedAt, Deadline          time.Time
	TimeLimitSeconds             int
	Accommodation                float64
	PassPercent                  int
	PartialCredit                bool
	SubmittedAt                  *time.Time
	AutoSubmitted                bool
	Outcome                      Outcome
	Correct, Total, Score        float64
	Domains                      string // JSON
	CredentialID                 string
	Language                     string // en or de: the wording shown
}

const attemptColumns = `id, user_id, tier_code, holder_name, status, seed, started_at, deadline,
	time_limit_seconds, accommodation, pass_percent, partial_credit, submitted_at, auto_submitted,
	coalesce(outcome, ''), coalesce(correct, 0), coalesce(total, 0), coalesce(score_percent, 0),
	coalesce(domains, ''), coalesce(credential_id, ''), language`

func scanAttempt(r interface{ Scan(...any) error }) (*attemptRow, error) {
	var a attemptRow
	var sub sql.NullTime
	if err := r.Scan(&a.ID, &a.UserID, &a.Tier, &a.HolderName, &a.Status, &a.Seed, &a.StartedAt, &a.Deadline,
		&a.TimeLimitSeconds, &a.Accommodation, &a.PassPercent, &a.PartialCredit, &sub, &a.AutoSubmitted,
		&a.Outcome, &a.Correct, &a.Total, &a.Score, &a.Domains, &a.CredentialID, &a.Language); err != nil {
		return nil, err
	}
	if sub.Valid {
		a.SubmittedAt = &sub.Time
	}
	return &a, nil
}

// findAttempt reads an attempt; with userID set, another user's attempt is
// ErrNotFound, exactly like one that does not exist.
func findAttempt(ctx context.Context, tx *sql.Tx, userID, id string) (*attemptRow, error) {
	a, err := scanAttempt(tx.QueryRowContext(ctx, `SELECT `+attemptColumns+` FROM attempts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && userID != "" && a.UserID != userID) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find attempt %s: %w", id, err)
	}
	return a, nil
}

// questionRow is one attempt_questions row.
type questionRow struct {
	ID       string
	Position int
	Ref      bank.Ref
	Domain   bank.Domain
	Type     bank.Type
	Order    []int // displayed position -> authored index
	// MatchOrder is a matching question's answer list: displayed position
	// -> authored index of the option whose match it is.
	MatchOrder []int
}

func findQuestions(ctx context.Context, tx *sql.Tx, attemptID string) ([]questionRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT question_id, position, item_id, item_version, domain, type, option_order,
		match_order FROM attempt_questions WHERE attempt_id = ? ORDER BY position`, attemptID)
	if err != nil {
		return nil, fmt.Errorf("load questions: %w", err)
	}
	defer rows.Close()
	var out []questionRow
	for rows.Next() {
		var q questionRow
		var order, matchOrder string
		if err := rows.Scan(&q.ID, &q.Position, &q.Ref.ID, &q.Ref.Version, &q.Domain, &q.Type, &order, &matchOrder); err != nil {
			return nil, fmt.Errorf("load questions: %w", err)
		}
		if err := json.Unmarshal([]byte(order), &q.Order); err != nil {
			return nil, fmt.Errorf("question %s option order: %w", q.ID, err)
		}
		if err := json.Unmarshal([]byte(matchOrder), &q.MatchOrder); err != nil {
			return nil, fmt.Errorf("question %s match order: %w", q.ID, err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

func findAnswers(ctx context.Context, tx *sql.Tx, attemptID string) (map[string]Answer, error) {
	rows, err := tx.QueryContext(ctx, `SELECT question_id, choices, value, flagged FROM answers WHERE attempt_id = ?`, attemptID)
	if err != nil {
		return nil, fmt.Errorf("load answers: %w", err)
	}
	defer rows.Close()
	out := map[string]Answer{}
	for rows.Next() {
		var qid, choices string
		var a Answer
		if err := rows.Scan(&qid, &choices, &a.Value, &a.Flagged); err != nil {
			return nil, fmt.Errorf("load answers: %w", err)
		}
		if err := json.Unmarshal([]byte(choices), &a.Choices); err != nil {
			return nil, fmt.Errorf("answer %s choices: %w", qid, err)
		}
		out[qid] = a
	}
	return out, rows.Err()
}

func refsOf(qs []questionRow) []bank.Ref {
	refs := make([]bank.Ref, len(qs))
	for i, q := range qs {
		refs[i] = q.Ref
	}
	return refs
}

// remaining is the whole seconds left before the deadline (never negative).
func remaining(deadline, now time.Time) int {
	if !now.Before(deadline) {
		return 0
	}
	return int(deadline.Sub(now) / time.Second)
}

// deadlineFor is start + limit × multiplier, rounded up to the second (in
// the candidate's favour); rounding to the millisecond first keeps float
// noise (600 × 1.1 = 660.0000000000001) from adding a second.
func deadlineFor(start time.Time, limitSeconds int, multiplier float64) time.Time {
	secs := math.Ceil(math.Round(float64(limitSeconds)*multiplier*1000) / 1000)
	return start.Add(time.Duration(secs) * time.Second)
}

// render builds what the candidate sees.
func (s *Service) render(a *attemptRow, qs []questionRow, items map[bank.Ref]*bank.Item, answers map[string]Answer, now time.Time) (*Attempt, error) {
	out := &Attempt{
		ID: a.ID, Tier: a.Tier, Language: a.Language, Status: a.Status, StartedAt: a.StartedAt, Deadline: a.Deadline,
		SubmittedAt: a.SubmittedAt, Questions: make([]Question, 0, len(qs)),
	}
	if a.Status == StatusInProgress {
		out.RemainingSeconds = remaining(a.Deadline, now)
	}
	for _, q := range qs {
		it := items[q.Ref]
		if it == nil {
			return nil, fmt.Errorf("attempt %s: item %s version %d missing", a.ID, q.Ref.ID, q.Ref.Version)
		}
		// The variant's wording where the version has one; the key and the
		// option order are the item's, so grading is the same.
		lang := bank.English
		if it.HasVariant(a.Language) {
			lang = a.Language
			it = it.Localized(lang)
		}
		html := s.html.get(q.Ref, lang, it)
		rq := Question{
			ID: q.ID, Position: q.Position, Domain: q.Domain, Type: q.Type,
			Stem: html.stem, Exhibit: html.exhibit, Options: make([]Option, len(q.Order)),
		}
		for p, idx := range q.Order {
			if idx < 0 || idx >= len(it.Options) {
				return nil, fmt.Errorf("attempt %s question %s: option order out of range", a.ID, q.ID)
			}
			rq.Options[p] = Option{ID: optionID(p), Text: html.options[idx]}
		}
		if q.Type == bank.Matching {
			rq.Matches = make([]Option, len(q.MatchOrder))
			for p, idx := range q.MatchOrder {
				if idx < 0 || idx >= len(it.Options) {
					return nil, fmt.Errorf("attempt %s question %s: match order out of range", a.ID, q.ID)
				}
				rq.Matches[p] = Option{ID: optionID(p), Text: html.matches[idx]}
			}
		}
		if q.Type == bank.Numeric && it.Numeric != nil {
			rq.Unit = it.Numeric.Unit
		}
		if ans, ok := answers[q.ID]; ok {
			rq.Answer = &ans
		}
		out.Questions = append(out.Questions, rq)
	}
	return out, nil
}

// Attempt returns one of the user's attempts with its questions and saved
// answers. Another user's attempt is ErrNotFound. An attempt left open past
// its deadline and grace is auto-submitted first, as the sweeper would.
func (s *Service) Attempt(ctx context.Context, userID, attemptID string) (*Attempt, error) {
	if _, err := s.expireIfDue(ctx, userID, attemptID); err != nil {
		return nil, err
	}
	return s.loadAttempt(ctx, userID, attemptID)
}

func (s *Service) loadAttempt(ctx context.Context, userID, attemptID string) (*Attempt, error) {
	var a *attemptRow
	var qs []questionRow
	var answers map[string]Answer
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		if a, err = findAttempt(ctx, tx, userID, attemptID); err != nil {
			return err
		}
		if qs, err = findQuestions(ctx, tx, attemptID); err != nil {
			return err
		}
		answers, err = findAnswers(ctx, tx, attemptID)
		return err
	})
	if err != nil {
		return nil, err
	}
	items, err := s.items.ItemVersions(ctx, refsOf(qs))
	if err != nil {
		return nil, fmt.Errorf("attempt %s items: %w", attemptID, err)
	}
	out, err := s.render(a, qs, items, answers, s.clock.Now())
	if err == nil && userID == "" {
		out.UserID = a.UserID // an administrator's view
	}
	return out, err
}

// Attempts lists the user's attempts, newest first.
func (s *Service) Attempts(ctx context.Context, userID string) ([]AttemptSummary, error) {
	out := []AttemptSummary{}
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = findSummaries(ctx, tx, `WHERE user_id = ?`, []any{userID}, -1, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].UserID = ""
	}
	return out, nil
}

// findSummaries lists attempts matching where, newest first; limit < 0
// lists them all.
func findSummaries(ctx context.Context, tx *sql.Tx, where string, args []any, limit, offset int) ([]AttemptSummary, error) {
	q := `SELECT id, user_id, tier_code, status, started_at, deadline, submitted_at,
		auto_submitted, coalesce(outcome, ''), score_percent FROM attempts ` + where + ` ORDER BY started_at DESC, id`
	if limit >= 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args[:len(args):len(args)], limit, offset)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	defer rows.Close()
	out := []AttemptSummary{}
	for rows.Next() {
		var a AttemptSummary
		var sub sql.NullTime
		var score sql.NullFloat64
		if err := rows.Scan(&a.ID, &a.UserID, &a.Tier, &a.Status, &a.StartedAt, &a.Deadline, &sub,
			&a.AutoSubmitted, &a.Outcome, &score); err != nil {
			return nil, fmt.Errorf("list attempts: %w", err)
		}
		if sub.Valid {
			a.SubmittedAt = &sub.Time
		}
		if score.Valid {
			a.ScorePercent = &score.Float64
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
