// Package mail is the outbox and its sender. Domain packages record *that*
// something should be said (Enqueue, in the transaction of the change that
// causes it: a kind code and arguments); the renderer here decides *how*,
// in the reader's language; a Worker sends due rows through SMTP with
// retries and exponential backoff.
//
// Delivery is at least once, made as close to exactly once as SMTP allows:
// a worker claims a row with a lease before sending and marks it sent after.
// A crash between the commit that wrote the row and the send loses nothing
// (the row waits, unclaimed, for the next worker). A crash after the SMTP
// server accepted the DATA but before the mark leaves the row claimed; once
// the lease runs out it is sent again, with the same Message-ID (derived
// from the row), so the receiving side and the reader can recognise the
// copy. Exactly once would need the SMTP server to take part in our
// transaction, which it cannot.
package mail

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Kinds of message. The renderer has wording for each.
const (
	KindVerifyEmail       = "verify_email"
	KindPasswordReset     = "password_reset"
	KindPasswordChanged   = "password_changed"
	KindEmailChanged      = "email_changed" // to the old address
	KindResultAvailable   = "result_available"
	KindCertIssued        = "certificate_issued"
	KindCertRevoked       = "certificate_revoked"
	KindCertExpiring      = "certificate_expiring"
	KindCertReissued      = "certificate_reissued"
	KindNameChangeDecided = "name_change_decided"
	KindAttemptCancelled  = "attempt_cancelled"
	KindRetakeWaitWaived  = "retake_wait_waived"
)

// Kinds lists every kind, for tests and the admin page.
var Kinds = []string{KindVerifyEmail, KindPasswordReset, KindPasswordChanged, KindEmailChanged, KindResultAvailable,
	KindCertIssued, KindCertRevoked, KindCertExpiring, KindCertReissued, KindNameChangeDecided, KindAttemptCancelled,
	KindRetakeWaitWaived}

// secretKinds carry a single-use link: their arguments are wiped once sent
// and they are never shown on the candidate's dashboard.
var secretKinds = map[string]bool{KindVerifyEmail: true, KindPasswordReset: true}

// IsSecret reports whether a kind's arguments hold a secret link.
func IsSecret(kind string) bool { return secretKinds[kind] }

// Args are a message's arguments: plain values the renderer words. Paths
// (e.g. "path": "/reset?token=…") are made absolute with the base URL.
type Args map[string]string

// Notice is one message to enqueue.
type Notice struct {
	UserID string // optional: the account it concerns (dashboard, export)
	To     string // optional when UserID is set: the user's current address
	Kind   string
	Args   Args
	// DedupeKey, when set, makes the notice at most one row: a second
	// Enqueue with the same key is ignored.
	DedupeKey string
}

// Enqueue writes a notice to the outbox inside tx, the transaction of the
// change that causes it, so the change and its message commit together.
// With only a UserID it reads the user's current address and language.
func Enqueue(ctx context.Context, tx *sql.Tx, now time.Time, n Notice) error {
	if n.Kind == "" {
		return errors.New("enqueue mail: empty kind")
	}
	lang := "en"
	if n.UserID != "" {
		var email string
		err := tx.QueryRowContext(ctx, `SELECT email, language FROM users WHERE id = ? AND anonymized_at IS NULL`, n.UserID).Scan(&email, &lang)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // anonymized or gone: nobody to tell
		}
		if err != nil {
			return fmt.Errorf("enqueue %s: find user %s: %w", n.Kind, n.UserID, err)
		}
		if n.To == "" {
			n.To = email
		}
	}
	if n.To == "" {
		return fmt.Errorf("enqueue %s: no recipient", n.Kind)
	}
	if n.Args == nil {
		n.Args = Args{}
	}
	args, err := json.Marshal(n.Args)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", n.Kind, err)
	}
	var dedupe sql.NullString
	if n.DedupeKey != "" {
		dedupe = sql.NullString{String: n.DedupeKey, Valid: true}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO mail_outbox (user_id, to_address, kind, args, language, dedupe_key, created_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
		nullable(n.UserID), n.To, n.Kind, string(args), lang, dedupe, now, now)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", n.Kind, err)
	}
	return nil
}

func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
