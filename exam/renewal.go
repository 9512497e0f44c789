package exam

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/exam/cert"
)

// Renewal keeps a certification current without starting over. From
// renewal_window_days before expiry a holder may take a renewal exam: in
// mode "short" a form drawn from the current bank by the tier's blueprint
// scaled to half (at least one question per domain the blueprint uses, the
// time limit scaled alike), in mode "full" the tier's whole exam. After
// expiry the holder has grace_days to finish; meanwhile the credential is
// suspended in the status list and verifiers read "renewal in progress".
// Passing issues a new credential that keeps the first awardedDate and
// supersedes the old one; without a pass the credential lapses.

// RenewalMode is how a tier is renewed.
type RenewalMode string

// Renewal modes.
const (
	RenewalShort RenewalMode = "short"
	RenewalFull  RenewalMode = "full"
)

// applyRenewalUpdate validates and applies the renewal fields of u.
func applyRenewalUpdate(t *Tier, u TierUpdate, f apperr.FieldMsgs) {
	if v := u.RenewalWindowDays; v != nil {
		if *v < 0 || *v > 365 {
			f["renewal_window_days"] = codeTierRangeDays.Msg(rangeFormats[codeTierRangeDays.ID], 0, 365)
		} else {
			t.RenewalWindowDays = *v
		}
	}
	if v := u.GraceDays; v != nil {
		if *v < 0 || *v > 365 {
			f["grace_days"] = codeTierRangeDays.Msg(rangeFormats[codeTierRangeDays.ID], 0, 365)
		} else {
			t.GraceDays = *v
		}
	}
	if v := u.RenewalMode; v != nil {
		if *v != RenewalShort && *v != RenewalFull {
			f["renewal_mode"] = codeRenewalMode.Msg("Renewal is by a short exam (short) or the full exam (full).")
		} else {
			t.RenewalMode = *v
		}
	}
	if t.RenewalWindowDays >= t.ValidityDays {
		f["renewal_window_days"] = codeRenewalWindow.Msg("The renewal window must be shorter than the validity.")
	}
}

func updateRenewalRules(ctx context.Context, tx *sql.Tx, t Tier) error {
	_, err := tx.ExecContext(ctx, `UPDATE tiers SET renewal_window_days = ?, renewal_mode = ?, grace_days = ?
		WHERE code = ?`, t.RenewalWindowDays, t.RenewalMode, t.GraceDays, t.Code)
	if err != nil {
		return fmt.Errorf("update renewal rules of %s: %w", t.Code, err)
	}
	return nil
}

// loadRenewable finds, per tier, the user's credential that may be renewed
// at now: neither revoked nor already renewed, inside its window or grace.
func loadRenewable(ctx context.Context, tx *sql.Tx, userID string, now time.Time) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT tier_code, id FROM credentials
		WHERE user_id = ? AND revoked_at IS NULL AND superseded_by IS NULL
		  AND renewal_opens_at <= ? AND grace_until > ?
		ORDER BY expires_at`, userID, now, now)
	if err != nil {
		return nil, fmt.Errorf("load renewable credentials: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var tier, id string
		if err := rows.Scan(&tier, &id); err != nil {
			return nil, fmt.Errorf("load renewable credentials: %w", err)
		}
		out[tier] = id // the latest-expiring one wins
	}
	return out, rows.Err()
}

// renewalForm is the tier as a renewal exam of it is given.
func renewalForm(t Tier) Tier {
	if t.RenewalMode != RenewalShort {
		return t
	}
	full := t.Blueprint.Total()
	bp := Blueprint{}
	for d, n := range t.Blueprint {
		if n > 0 {
			bp[d] = max(1, (n+1)/2)
		}
	}
	t.Blueprint = bp
	t.QuestionCount = bp.Total()
	if full > 0 {
		// Whole minutes, rounded up, in proportion to the questions.
		mins := (t.TimeLimitSeconds*t.QuestionCount/full + 59) / 60
		t.TimeLimitSeconds = max(60, mins*60)
	}
	return t
}

// markRenewal records which credential an attempt renews, checking inside
// the write transaction that it still may be renewed.
func markRenewal(ctx context.Context, tx *sql.Tx, attemptID, credID string) error {
	if credID == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE attempts SET renews = ? WHERE id = ?`, credID, attemptID); err != nil {
		return fmt.Errorf("mark renewal: %w", err)
	}
	return nil
}

// renewalIssue adds the tier's renewal rules, and the credential a renewal
// attempt renews, to an issue request. A renewed credential that was revoked
// or renewed meanwhile is not superseded: the pass then stands on its own.
func renewalIssue(ctx context.Context, tx *sql.Tx, attemptID string, t Tier, req *cert.IssueRequest) error {
	req.RenewalWindow = time.Duration(t.RenewalWindowDays) * 24 * time.Hour
	req.Grace = time.Duration(t.GraceDays) * 24 * time.Hour
	var renews string
	err := tx.QueryRowContext(ctx, `SELECT a.renews FROM attempts a JOIN credentials c ON c.id = a.renews
		WHERE a.id = ? AND c.revoked_at IS NULL AND c.superseded_by IS NULL`, attemptID).Scan(&renews)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read renewal of %s: %w", attemptID, err)
	}
	req.Renews = renews
	return nil
}
