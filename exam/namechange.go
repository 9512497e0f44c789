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
	"github.com/mopscert/mopscert/audit"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/exam/cert"
	"github.com/mopscert/mopscert/mail"
)

// NameChange is a candidate's request to correct the name on certificates.
type NameChange struct {
	ID        string     `json:"id"`
	UserID    string     `json:"user_id"`
	OldName   string     `json:"old_name"`
	NewName   string     `json:"new_name"`
	Reason    string     `json:"reason"`
	Status    string     `json:"status"` // pending, approved, rejected
	DecidedBy string     `json:"decided_by,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	Response  string     `json:"response,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	Reissued  []string   `json:"reissued,omitempty"` // new certificate ids (approval only)
}

// Errors of name correction.
var (
	ErrNameChangePending  = apperr.New(apperr.Conflict, "name_change_pending", "You have a name correction waiting for a decision already.")
	ErrNameChangeNotFound = apperr.New(apperr.NotFound, "name_change_not_found", "No name correction has that id.")
	ErrNameChangeDecided  = apperr.New(apperr.Conflict, "name_change_decided", "This request has been decided already.")
)

// reissuer is the part of exam/cert that replaces a certificate.
type reissuer interface {
	ReissueTx(ctx context.Context, tx *sql.Tx, oldID, holderName string) (cert.Credential, error)
}

// maxNameChangeReason is the longest reason a request may give, in
// characters.
const maxNameChangeReason = 1000

// RequestNameChange records a candidate's request. newName is already in
// its canonical form and checked (account.CheckName).
func (s *Service) RequestNameChange(ctx context.Context, userID, newName, reason string) (*NameChange, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxNameChangeReason {
		// Built by hand: the English sentence writes the limit with its
		// thousands separator, which %d cannot.
		return nil, apperr.Msg{Code: codeNameChangeReason.ID, Args: map[string]any{"Max": maxNameChangeReason},
			Message: "Tell us why the name should change (up to 1,000 characters), e.g. a misspelling or a legal name change."}.On("reason")
	}
	n := &NameChange{ID: db.NewID("nc"), UserID: userID, NewName: newName, Reason: reason, Status: "pending", CreatedAt: s.clock.Now()}
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, userID).Scan(&n.OldName); err != nil {
			return fmt.Errorf("name change of %s: %w", userID, err)
		}
		if n.OldName == newName {
			return codeNameChangeSame.Msg("That is the name on your account already.").On("name")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO name_change_requests (id, user_id, old_name, new_name, reason, status, created_at)
			VALUES (?, ?, ?, ?, ?, 'pending', ?)`, n.ID, userID, n.OldName, newName, reason, n.CreatedAt)
		if isUniqueViolation(err, "name_change_requests.user_id") {
			return ErrNameChangePending
		}
		if err != nil {
			return fmt.Errorf("name change of %s: %w", userID, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// DecideNameChange approves or rejects a request. On approval the account's
// name changes and each valid certificate is reissued under the new name,
// all in one transaction with the audit record and the candidate's notices.
func (s *Service) DecideNameChange(ctx context.Context, id string, approve bool, response, actor string) (*NameChange, error) {
	response = strings.TrimSpace(response)
	if !approve && response == "" {
		return nil, codeNameChangeResponse.Msg("Tell the candidate why the request is rejected.").On("response")
	}
	rs, ok := s.certs.(reissuer)
	if approve && !ok {
		return nil, errors.New("name change: the certificate service cannot reissue")
	}
	now := s.clock.Now()
	var n *NameChange
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		var err error
		if n, err = findNameChange(ctx, tx, id); err != nil {
			return err
		}
		if n.Status != "pending" {
			return ErrNameChangeDecided
		}
		n.Status, n.DecidedBy, n.DecidedAt, n.Response = "rejected", actor, &now, response
		action := audit.NameChangeRejected
		if approve {
			n.Status, action = "approved", audit.NameChangeApproved
			if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ? WHERE id = ?`, n.NewName, n.UserID); err != nil {
				return fmt.Errorf("rename %s: %w", n.UserID, err)
			}
			if err := s.reissueAll(ctx, tx, rs, n, now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE name_change_requests SET status = ?, decided_by = ?, decided_at = ?, response = ? WHERE id = ?`,
			n.Status, actor, now, response, n.ID); err != nil {
			return fmt.Errorf("decide name change %s: %w", n.ID, err)
		}
		if err := audit.Record(ctx, tx, audit.Action{Actor: actor, TargetID: n.UserID, Action: action, Reason: response,
			Detail: map[string]any{"request": n.ID, "old_name": n.OldName, "new_name": n.NewName, "reissued": n.Reissued}, At: now}); err != nil {
			return err
		}
		return mail.Enqueue(ctx, tx, now, mail.Notice{UserID: n.UserID, Kind: mail.KindNameChangeDecided, Args: mail.Args{
			"name": n.NewName, "new_name": n.NewName, "status": n.Status, "response": response,
		}})
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// reissueAll replaces each valid certificate of the person, points the
// attempt that earned it at the replacement (so its result page shows the
// current one) and tells the holder.
func (s *Service) reissueAll(ctx context.Context, tx *sql.Tx, rs reissuer, n *NameChange, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM credentials WHERE user_id = ? AND revoked_at IS NULL
		AND superseded_by IS NULL AND expires_at > ? ORDER BY issued_at`, n.UserID, now)
	if err != nil {
		return fmt.Errorf("certificates of %s: %w", n.UserID, err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, old := range ids {
		c, err := rs.ReissueTx(ctx, tx, old, n.NewName)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE attempts SET credential_id = ? WHERE credential_id = ?`, c.ID, old); err != nil {
			return fmt.Errorf("point attempt at %s: %w", c.ID, err)
		}
		n.Reissued = append(n.Reissued, c.ID)
		if err := mail.Enqueue(ctx, tx, now, mail.Notice{UserID: n.UserID, Kind: mail.KindCertReissued, Args: mail.Args{
			"name": n.NewName, "holder_name": n.NewName, "tier_name": c.TierName, "old_id": old, "cert_id": c.ID,
			"pdf_path": "/api/v1/certificates/" + c.ID + "/pdf",
		}}); err != nil {
			return err
		}
	}
	return nil
}

const nameChangeColumns = `id, user_id, old_name, new_name, reason, status, decided_by, decided_at, response, created_at`

func scanNameChange(r interface{ Scan(...any) error }) (*NameChange, error) {
	var n NameChange
	if err := r.Scan(&n.ID, &n.UserID, &n.OldName, &n.NewName, &n.Reason, &n.Status, &n.DecidedBy, &n.DecidedAt, &n.Response, &n.CreatedAt); err != nil {
		return nil, err
	}
	return &n, nil
}

func findNameChange(ctx context.Context, tx *sql.Tx, id string) (*NameChange, error) {
	n, err := scanNameChange(tx.QueryRowContext(ctx, `SELECT `+nameChangeColumns+` FROM name_change_requests WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNameChangeNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find name change %s: %w", id, err)
	}
	return n, nil
}

// NameChanges lists requests, newest first: a user's (userID set) or all
// with a status (pending, approved, rejected; empty for all).
func (s *Service) NameChanges(ctx context.Context, userID, status string) ([]*NameChange, error) {
	q, args := `SELECT `+nameChangeColumns+` FROM name_change_requests WHERE 1 = 1`, []any{}
	if userID != "" {
		q += ` AND user_id = ?`
		args = append(args, userID)
	}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, status)
	}
	rows, err := s.db.R.QueryContext(ctx, q+` ORDER BY created_at DESC LIMIT 200`, args...)
	if err != nil {
		return nil, fmt.Errorf("list name changes: %w", err)
	}
	defer rows.Close()
	out := []*NameChange{}
	for rows.Next() {
		n, err := scanNameChange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
