// Package audit records what administrators do to a person's account,
// attempts and certificates, with the reason they gave, in the transaction
// of the change itself.
package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mopscert/mopscert/apperr"
)

// Action is one audited admin action.
type Action struct {
	ID       int64          `json:"id"`
	Actor    string         `json:"actor"`
	TargetID string         `json:"target_user_id"`
	Action   string         `json:"action"`
	Reason   string         `json:"reason"`
	Detail   map[string]any `json:"detail,omitempty"`
	At       time.Time      `json:"at"`
}

// Action codes.
const (
	RetakeWaived        = "retake_wait_waived"
	AttemptCancelled    = "attempt_cancelled"
	DataExported        = "data_exported"
	Anonymized          = "anonymized"
	NameChangeApproved  = "name_change_approved"
	NameChangeRejected  = "name_change_rejected"
	AccommodationGrants = "accommodation_granted"
)

// MaxReason is the longest reason kept, in characters.
const MaxReason = 500

// CheckReason returns the reason trimmed, or a field error: every action
// needs one, so the record says why.
func CheckReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", apperr.Fielded(map[string]string{"reason": "Say why, for the audit record."})
	case utf8.RuneCountInString(reason) > MaxReason:
		return "", apperr.Fielded(map[string]string{"reason": fmt.Sprintf("Keep the reason under %d characters.", MaxReason)})
	}
	return reason, nil
}

// Record writes a inside tx.
func Record(ctx context.Context, tx *sql.Tx, a Action) error {
	detail := []byte("{}")
	if len(a.Detail) > 0 {
		var err error
		if detail, err = json.Marshal(a.Detail); err != nil {
			return fmt.Errorf("audit %s: %w", a.Action, err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO admin_actions (actor, target_user_id, action, reason, detail, at)
		VALUES (?, ?, ?, ?, ?, ?)`, a.Actor, a.TargetID, a.Action, a.Reason, string(detail), a.At)
	if err != nil {
		return fmt.Errorf("audit %s: %w", a.Action, err)
	}
	return nil
}

// ForUser lists the actions on a person, newest first.
func ForUser(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, userID string) ([]Action, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, actor, target_user_id, action, reason, detail, at
		FROM admin_actions WHERE target_user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("admin actions of %s: %w", userID, err)
	}
	defer rows.Close()
	out := []Action{}
	for rows.Next() {
		var a Action
		var detail string
		if err := rows.Scan(&a.ID, &a.Actor, &a.TargetID, &a.Action, &a.Reason, &detail, &a.At); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(detail), &a.Detail)
		out = append(out, a)
	}
	return out, rows.Err()
}
