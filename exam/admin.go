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
)

// Accommodation limits: 1 is standard time, 4 quadruples it.
const (
	MinMultiplier = 1.0
	MaxMultiplier = 4.0
)

// GrantAccommodation gives userID extra time on exams started from now on:
// the time limit is multiplied by multiplier (1.5 = +50 %). Granting again
// replaces the earlier grant; 1 takes the extra time away. Attempts already
// started keep the deadline they were given.
func (s *Service) GrantAccommodation(ctx context.Context, userID string, multiplier float64, note, actor string) error {
	f := apperr.FieldMsgs{}
	if !(multiplier >= MinMultiplier && multiplier <= MaxMultiplier) { // also refuses NaN
		f["multiplier"] = codeAccommodationMultiplier.Msg("Use a multiplier from %g to %g.", MinMultiplier, MaxMultiplier)
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		f["note"] = codeAccommodationNote.Msg("Keep the note under %d characters.", 500)
	}
	if len(f) > 0 {
		return f.Err()
	}
	return s.db.Update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO accommodations (user_id, multiplier, note, granted_by, granted_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET multiplier = excluded.multiplier, note = excluded.note,
				granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
			userID, multiplier, note, actor, s.clock.Now())
		if isForeignKeyViolation(err) {
			return ErrUserNotFound
		}
		if err != nil {
			return fmt.Errorf("grant accommodation: %w", err)
		}
		return nil
	})
}

// AttemptFilter selects attempts for the administrators' list. Zero fields
// do not filter.
type AttemptFilter struct {
	UserID string
	Tier   string
	Status Status
	Limit  int // default 50, at most 500
	Offset int
}

// AdminAttempts lists attempts matching f, newest first, and how many match
// in all.
func (s *Service) AdminAttempts(ctx context.Context, f AttemptFilter) ([]AttemptSummary, int, error) {
	var where []string
	var args []any
	if f.UserID != "" {
		where, args = append(where, "user_id = ?"), append(args, f.UserID)
	}
	if f.Tier != "" {
		where, args = append(where, "tier_code = ?"), append(args, f.Tier)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var out []AttemptSummary
	var total int
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM attempts `+cond, args...).Scan(&total); err != nil {
			return fmt.Errorf("count attempts: %w", err)
		}
		var err error
		out, err = findSummaries(ctx, tx, cond, args, limit, max(f.Offset, 0))
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// AdminAttempt returns any attempt with its result (nil while it runs).
func (s *Service) AdminAttempt(ctx context.Context, id string) (*Attempt, *Result, error) {
	a, err := s.Attempt(ctx, "", id)
	if err != nil || a.Status == StatusInProgress {
		return a, nil, err
	}
	res, err := s.Result(ctx, "", id)
	if errors.Is(err, ErrAttemptCancelled) {
		return a, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return a, res, nil
}

// Accommodation is extra time granted to a candidate.
type Accommodation struct {
	UserID     string    `json:"user_id"`
	Multiplier float64   `json:"multiplier"`
	Note       string    `json:"note"`
	GrantedBy  string    `json:"granted_by"`
	GrantedAt  time.Time `json:"granted_at"`
}

// Accommodations returns every grant of extra time, by user id.
func (s *Service) Accommodations(ctx context.Context) (map[string]Accommodation, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT user_id, multiplier, note, granted_by, granted_at FROM accommodations`)
	if err != nil {
		return nil, fmt.Errorf("read accommodations: %w", err)
	}
	defer rows.Close()
	out := map[string]Accommodation{}
	for rows.Next() {
		var a Accommodation
		if err := rows.Scan(&a.UserID, &a.Multiplier, &a.Note, &a.GrantedBy, &a.GrantedAt); err != nil {
			return nil, err
		}
		out[a.UserID] = a
	}
	return out, rows.Err()
}
