package mail

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
)

// Status of an outbox row.
const (
	StatusQueued  = "queued"
	StatusSending = "sending" // claimed by a worker
	StatusSent    = "sent"
	StatusFailed  = "failed" // gave up after MaxAttempts
)

// Message is an outbox row.
type Message struct {
	ID         int64      `json:"id"`
	UserID     string     `json:"user_id,omitempty"`
	To         string     `json:"to"`
	Kind       string     `json:"kind"`
	Args       Args       `json:"args"`
	Language   string     `json:"language"`
	CreatedAt  time.Time  `json:"created_at"`
	NextTry    time.Time  `json:"next_attempt_at"`
	Attempts   int        `json:"attempts"`
	LeaseUntil *time.Time `json:"-"`
	SentAt     *time.Time `json:"sent_at,omitempty"`
	FailedAt   *time.Time `json:"failed_at,omitempty"`
	LastError  string     `json:"last_error,omitempty"`
	Status     string     `json:"status"`
}

// MessageID is the Message-ID header of a row: derived from the row, so a
// re-send after a crash carries the same one.
func (m *Message) MessageID(domain string) string {
	return fmt.Sprintf("outbox-%d.%d@%s", m.ID, m.CreatedAt.UnixNano(), domain)
}

// Outbox reads and updates the outbox table.
type Outbox struct {
	db    *db.DB
	clock clock.Clock
}

// NewOutbox returns the outbox of d.
func NewOutbox(d *db.DB, clk clock.Clock) *Outbox { return &Outbox{db: d, clock: clk} }

// Enqueue writes one notice in its own transaction (for callers with no
// other change to commit with it).
func (o *Outbox) Enqueue(ctx context.Context, n Notice) error {
	return o.db.Update(ctx, func(tx *sql.Tx) error { return Enqueue(ctx, tx, o.clock.Now(), n) })
}

const messageColumns = `id, coalesce(user_id, ''), to_address, kind, args, language, created_at, next_attempt_at,
	attempts, lease_until, sent_at, failed_at, last_error`

func scanMessage(r interface{ Scan(...any) error }, now time.Time) (*Message, error) {
	var m Message
	var args string
	if err := r.Scan(&m.ID, &m.UserID, &m.To, &m.Kind, &args, &m.Language, &m.CreatedAt, &m.NextTry,
		&m.Attempts, &m.LeaseUntil, &m.SentAt, &m.FailedAt, &m.LastError); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(args), &m.Args); err != nil {
		return nil, fmt.Errorf("outbox row %d args: %w", m.ID, err)
	}
	switch {
	case m.SentAt != nil:
		m.Status = StatusSent
	case m.FailedAt != nil:
		m.Status = StatusFailed
	case m.LeaseUntil != nil && m.LeaseUntil.After(now):
		m.Status = StatusSending
	default:
		m.Status = StatusQueued
	}
	return &m, nil
}

// claim takes the oldest due row for lease and returns it, or nil when none
// is due. The UPDATE … RETURNING is one statement in a write transaction,
// so two workers (or two servers on one database) never claim the same row
// while its lease runs. The lease is tested again outside the subquery:
// under PostgreSQL's READ COMMITTED a second worker that waited on the row
// lock re-checks only the outer WHERE against the committed row, not the
// subquery that chose the id, so without it both would send the mail.
func (o *Outbox) claim(ctx context.Context, lease time.Duration) (*Message, error) {
	var m *Message
	now := o.clock.Now()
	err := o.db.Update(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, `UPDATE mail_outbox SET lease_until = ?, attempts = attempts + 1
			WHERE id = (SELECT id FROM mail_outbox
				WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
				  AND (lease_until IS NULL OR lease_until <= ?)
				ORDER BY next_attempt_at, id LIMIT 1)
			  AND sent_at IS NULL AND failed_at IS NULL AND (lease_until IS NULL OR lease_until <= ?)
			RETURNING `+messageColumns, now.Add(lease), now, now, now)
		var err error
		m, err = scanMessage(row, now)
		if errors.Is(err, sql.ErrNoRows) {
			m = nil
			return nil
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox row: %w", err)
	}
	return m, nil
}

// markSent records a delivery. Single-use links are wiped from the stored
// arguments: the token must not outlive its message at rest.
func (o *Outbox) markSent(ctx context.Context, m *Message) error {
	return o.db.Update(ctx, func(tx *sql.Tx) error {
		q := `UPDATE mail_outbox SET sent_at = ?, lease_until = NULL, last_error = '' WHERE id = ?`
		if IsSecret(m.Kind) {
			q = `UPDATE mail_outbox SET sent_at = ?, lease_until = NULL, last_error = '', args = '{}' WHERE id = ?`
		}
		if _, err := tx.ExecContext(ctx, q, o.clock.Now(), m.ID); err != nil {
			return fmt.Errorf("mark outbox row %d sent: %w", m.ID, err)
		}
		return nil
	})
}

// markRetry releases a row after a failed send: due again after backoff,
// or failed for good once it has had maxAttempts.
func (o *Outbox) markRetry(ctx context.Context, m *Message, sendErr error, backoff time.Duration, maxAttempts int) error {
	now := o.clock.Now()
	msg := sendErr.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return o.db.Update(ctx, func(tx *sql.Tx) error {
		var failed sql.NullTime
		if m.Attempts >= maxAttempts {
			failed = sql.NullTime{Time: now, Valid: true}
		}
		_, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET lease_until = NULL, next_attempt_at = ?, last_error = ?, failed_at = ?
			WHERE id = ?`, now.Add(backoff), msg, failed, m.ID)
		if err != nil {
			return fmt.Errorf("release outbox row %d: %w", m.ID, err)
		}
		return nil
	})
}

// Filter selects outbox rows for listing.
type Filter struct {
	UserID string
	Kinds  []string // empty: all
	Limit  int
	Offset int
}

// List returns outbox rows, newest first, and how many match in all.
func (o *Outbox) List(ctx context.Context, f Filter) ([]*Message, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	where, args := "1 = 1", []any{}
	if f.UserID != "" {
		where += " AND user_id = ?"
		args = append(args, f.UserID)
	}
	if len(f.Kinds) > 0 {
		where += " AND kind IN (?" + repeat(",?", len(f.Kinds)-1) + ")"
		for _, k := range f.Kinds {
			args = append(args, k)
		}
	}
	var total int
	if err := o.db.R.QueryRowContext(ctx, `SELECT count(*) FROM mail_outbox WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count outbox: %w", err)
	}
	rows, err := o.db.R.QueryContext(ctx, `SELECT `+messageColumns+` FROM mail_outbox WHERE `+where+
		` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	now := o.clock.Now()
	var out []*Message
	for rows.Next() {
		m, err := scanMessage(rows, now)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
