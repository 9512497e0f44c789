package exam

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/mopscert/mopscert/apperr"
)

// Eligibility reads the credentials table of exam/cert directly (read-only:
// tier, owner, revocation and expiry) rather than through an interface, so
// the check runs in the same write transaction that inserts the attempt and
// two concurrent starts cannot both pass it.

// facts is what eligibility depends on for one user, loaded once.
type facts struct {
	certified map[string]bool   // tiers held by a valid (unrevoked, unexpired) credential
	renewable map[string]string // tier -> the credential that may be renewed now (renewal.go)
	openID    string            // the attempt in progress, if any
	attempts  []pastAttempt     // every attempt of the user, oldest first
}

type pastAttempt struct {
	id          string
	tier        string
	status      Status
	startedAt   time.Time
	submittedAt *time.Time
	outcome     Outcome
}

// loadFacts reads the user's credentials and attempts; the attempt except
// (the one being started) is left out.
func loadFacts(ctx context.Context, tx *sql.Tx, userID string, now time.Time, except string) (*facts, error) {
	f := &facts{certified: map[string]bool{}}
	var err error
	if f.renewable, err = loadRenewable(ctx, tx, userID, now); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT tier_code FROM credentials
		WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?`, userID, now)
	if err != nil {
		return nil, fmt.Errorf("load credentials: %w", err)
	}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load credentials: %w", err)
		}
		f.certified[code] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load credentials: %w", err)
	}

	rows, err = tx.QueryContext(ctx, `SELECT id, tier_code, status, started_at, submitted_at, coalesce(outcome, '')
		FROM attempts WHERE user_id = ? AND id <> ?
		  AND id NOT IN (SELECT attempt_id FROM attempt_cancellations)
		  AND NOT EXISTS (SELECT 1 FROM retake_waivers w WHERE w.user_id = attempts.user_id
		      AND w.tier_code = attempts.tier_code AND w.waived_at >= attempts.started_at)
		ORDER BY started_at, id`, userID, except)
	if err != nil {
		return nil, fmt.Errorf("load attempts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a pastAttempt
		var sub sql.NullTime
		if err := rows.Scan(&a.id, &a.tier, &a.status, &a.startedAt, &sub, &a.outcome); err != nil {
			return nil, fmt.Errorf("load attempts: %w", err)
		}
		if sub.Valid {
			a.submittedAt = &sub.Time
		}
		if a.status == StatusInProgress {
			f.openID = a.id
		}
		f.attempts = append(f.attempts, a)
	}
	return f, rows.Err()
}

// check returns why the user may not start t now, or nil. The attempt in
// progress is checked only when checkOpen is set: the write path leaves it
// to the database's unique index. When both retake limits apply, the one
// that ends later is reported, since that is when a retry can succeed.
func (f *facts) check(t Tier, now time.Time, checkOpen bool) *apperr.Error {
	if checkOpen && f.openID != "" {
		return ErrAttemptInProgress.With("attempt_id", f.openID)
	}
	// A holder inside the renewal window (or the grace after expiry) may
	// renew; the prerequisite was met when the tier was first earned.
	renewing := f.renewable[t.Code] != ""
	if f.certified[t.Code] && !renewing {
		return ErrAlreadyCertified
	}
	if t.Prerequisite != nil && !f.certified[*t.Prerequisite] && !renewing {
		return ErrPrerequisiteMissing.Worded(codePrerequisiteTier.Msg("This tier requires a valid %s certificate.", *t.Prerequisite))
	}
	wait, waitOK := f.cooldownEnd(t, now)
	capEnd, capOK := f.capEnd(t, now)
	switch {
	case capOK && (!waitOK || !capEnd.Before(wait)):
		return ErrTooManyAttempts.Worded(codeTooManyAttemptsBy.Msg(
			"You have used the %d attempts allowed in %d days; you can try again after %s.",
			t.MaxAttempts, t.AttemptWindowDays, apperr.Time{Time: ceilSecond(capEnd)})).With("retry_after", retryAfter(capEnd))
	case waitOK:
		return ErrRetakeTooSoon.Worded(codeRetakeAfter.Msg(
			"After a failed attempt you can retake this exam after %s.", apperr.Time{Time: ceilSecond(wait)})).With("retry_after", retryAfter(wait))
	}
	return nil
}

// retryAt is when the retake limits on t stop applying, if one applies now.
func (f *facts) retryAt(t Tier, now time.Time) (time.Time, bool) {
	wait, waitOK := f.cooldownEnd(t, now)
	capEnd, capOK := f.capEnd(t, now)
	switch {
	case capOK && (!waitOK || capEnd.After(wait)):
		return capEnd, true
	case waitOK:
		return wait, true
	}
	return time.Time{}, false
}

// cooldownEnd is the end of the wait after the latest finished attempt at t,
// when that attempt failed and the wait has not passed.
func (f *facts) cooldownEnd(t Tier, now time.Time) (time.Time, bool) {
	var last *pastAttempt
	for i := range f.attempts {
		a := &f.attempts[i]
		if a.tier != t.Code || a.submittedAt == nil {
			continue
		}
		if last == nil || a.submittedAt.After(*last.submittedAt) {
			last = a
		}
	}
	if last == nil || last.outcome != OutcomeFailed {
		return time.Time{}, false
	}
	end := last.submittedAt.Add(time.Duration(t.RetakeWaitSeconds) * time.Second)
	return end, now.Before(end)
}

// capEnd is when an attempt at t drops out of the rolling window so that
// fewer than MaxAttempts remain in it, when the cap is reached now.
func (f *facts) capEnd(t Tier, now time.Time) (time.Time, bool) {
	window := time.Duration(t.AttemptWindowDays) * 24 * time.Hour
	var in []time.Time
	for _, a := range f.attempts {
		if a.tier == t.Code && a.startedAt.After(now.Add(-window)) {
			in = append(in, a.startedAt)
		}
	}
	if len(in) < t.MaxAttempts {
		return time.Time{}, false
	}
	sort.Slice(in, func(i, j int) bool { return in[i].Before(in[j]) })
	return in[len(in)-t.MaxAttempts].Add(window), true
}
