package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mopscert/mopscert/bank"
)

// Blueprint says how many questions of each domain a form has. JSON:
// {"concepts": n, "tools": n, "soft_skills": n}.
type Blueprint map[bank.Domain]int

// Total is the number of questions on a form.
func (b Blueprint) Total() int {
	n := 0
	for _, c := range b {
		n += c
	}
	return n
}

// MarshalJSON writes every known domain, zero counts included, so clients
// see the same three keys for every tier.
func (b Blueprint) MarshalJSON() ([]byte, error) {
	m := make(map[bank.Domain]int, len(bank.Domains))
	for _, d := range bank.Domains {
		m[d] = b[d]
	}
	for d, n := range b {
		m[d] = n
	}
	return json.Marshal(m)
}

// Tier is one level of the certification and the rules of its exam.
type Tier struct {
	Code              string    `json:"code"`
	Name              string    `json:"name"`
	Level             int       `json:"level"`
	Description       string    `json:"description"`
	Prerequisite      *string   `json:"prerequisite"` // a tier code or null
	QuestionCount     int       `json:"question_count"`
	TimeLimitSeconds  int       `json:"time_limit_seconds"`
	PassPercent       int       `json:"pass_percent"`
	ValidityDays      int       `json:"validity_days"`
	Blueprint         Blueprint `json:"blueprint"`
	PartialCredit     bool      `json:"partial_credit"`
	RetakeWaitSeconds int       `json:"retake_wait_seconds"`
	MaxAttempts       int       `json:"max_attempts"`
	AttemptWindowDays int       `json:"attempt_window_days"`
	UpdatedAt         time.Time `json:"updated_at"`

	// Renewal (see renewal.go): how many days before expiry a holder may
	// renew, by a short or a full exam, and how many days after expiry the
	// renewal may still be finished.
	RenewalWindowDays int         `json:"renewal_window_days"`
	RenewalMode       RenewalMode `json:"renewal_mode"`
	GraceDays         int         `json:"grace_days"`

	// Set by Tiers for a signed-in user only; both are then present in JSON,
	// ineligible_reason as null when Eligible.
	Eligible         *bool      `json:"eligible,omitempty"`
	IneligibleReason string     `json:"-"`
	RetryAfter       *time.Time `json:"retry_after,omitempty"`
}

// MarshalJSON writes ineligible_reason (null or a code) exactly when
// eligible is known.
func (t Tier) MarshalJSON() ([]byte, error) {
	type plain Tier
	out := struct {
		plain
		IneligibleReason json.RawMessage `json:"ineligible_reason,omitempty"`
	}{plain: plain(t)}
	if t.Eligible != nil {
		out.IneligibleReason = json.RawMessage("null")
		if t.IneligibleReason != "" {
			b, err := json.Marshal(t.IneligibleReason)
			if err != nil {
				return nil, err
			}
			out.IneligibleReason = b
		}
	}
	return json.Marshal(out)
}

// TierUpdate changes a tier; nil fields stay as they are. Prerequisite ""
// removes the prerequisite. Code and QuestionCount, when given, must match
// the tier and the blueprint total, so a tier fetched and sent back
// unchanged is accepted. UpdatedAt, when given, is an optimistic lock as an
// item's version is: the update is refused with tier_conflict if the tier
// changed since that time. The other read-only fields of the tier's own
// representation (eligibility, retry_after) are accepted and ignored.
type TierUpdate struct {
	Code              *string      `json:"code,omitempty"`
	Name              *string      `json:"name,omitempty"`
	Level             *int         `json:"level,omitempty"`
	Description       *string      `json:"description,omitempty"`
	Prerequisite      *string      `json:"prerequisite,omitempty"`
	QuestionCount     *int         `json:"question_count,omitempty"`
	TimeLimitSeconds  *int         `json:"time_limit_seconds,omitempty"`
	PassPercent       *int         `json:"pass_percent,omitempty"`
	ValidityDays      *int         `json:"validity_days,omitempty"`
	Blueprint         Blueprint    `json:"blueprint,omitempty"`
	PartialCredit     *bool        `json:"partial_credit,omitempty"`
	RetakeWaitSeconds *int         `json:"retake_wait_seconds,omitempty"`
	MaxAttempts       *int         `json:"max_attempts,omitempty"`
	AttemptWindowDays *int         `json:"attempt_window_days,omitempty"`
	RenewalWindowDays *int         `json:"renewal_window_days,omitempty"`
	RenewalMode       *RenewalMode `json:"renewal_mode,omitempty"`
	GraceDays         *int         `json:"grace_days,omitempty"`
	UpdatedAt         *time.Time   `json:"updated_at,omitempty"`

	// Read-only: what GET shows a signed-in candidate. Ignored.
	Eligible         json.RawMessage `json:"eligible,omitempty"`
	IneligibleReason json.RawMessage `json:"ineligible_reason,omitempty"`
	RetryAfter       json.RawMessage `json:"retry_after,omitempty"`
}

func strp(s string) *string { return &s }

// DefaultTiers are the three shipped tiers, each the prerequisite of the
// next.
func DefaultTiers() []Tier {
	common := func(t Tier) Tier {
		t.QuestionCount = t.Blueprint.Total()
		t.PassPercent = 70
		t.RetakeWaitSeconds = 24 * 60 * 60
		t.MaxAttempts = 3
		t.AttemptWindowDays = 90
		return t
	}
	return []Tier{
		common(Tier{
			Code: "foundation", Name: "MOps Foundation", Level: 1,
			Description:      "The vocabulary, rules and standard procedures of marketing operations, applied to simple situations.",
			TimeLimitSeconds: 45 * 60, ValidityDays: 730,
			Blueprint: Blueprint{bank.Concepts: 10, bank.Tools: 14, bank.SoftSkills: 6},
		}),
		common(Tier{
			Code: "practitioner", Name: "MOps Practitioner", Level: 2, Prerequisite: strp("foundation"),
			Description:      "Running marketing operations day to day: building, debugging and measuring campaigns, data, integrations and SLAs.",
			TimeLimitSeconds: 70 * 60, ValidityDays: 730,
			Blueprint: Blueprint{bank.Concepts: 13, bank.Tools: 20, bank.SoftSkills: 7},
		}),
		common(Tier{
			Code: "leader", Name: "MOps Leader", Level: 3, Prerequisite: strp("practitioner"),
			Description:      "Leading a marketing operations function: architecture, governance, law in depth, budgets, vendors and measurement design.",
			TimeLimitSeconds: 90 * 60, ValidityDays: 1095,
			Blueprint: Blueprint{bank.Concepts: 12, bank.Tools: 17, bank.SoftSkills: 11},
		}),
	}
}

// EnsureDefaultTiers inserts the default tiers that do not exist yet. It
// never changes a tier that exists, so administrators' edits survive
// restarts.
func (s *Service) EnsureDefaultTiers(ctx context.Context) error {
	now := s.clock.Now()
	return s.db.Update(ctx, func(tx *sql.Tx) error {
		for _, t := range DefaultTiers() {
			// DO NOTHING on any conflict: the code exists, or an
			// administrator gave another tier this level.
			if err := insertTier(ctx, tx, t, now, "ON CONFLICT DO NOTHING"); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertTier(ctx context.Context, tx *sql.Tx, t Tier, now time.Time, onConflict string) error {
	bp, err := json.Marshal(t.Blueprint)
	if err != nil {
		return fmt.Errorf("encode blueprint: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tiers (code, name, level, description, prerequisite,
		time_limit_seconds, pass_percent, validity_days, blueprint, partial_credit,
		retake_wait_seconds, max_attempts, attempt_window_days, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) `+onConflict,
		t.Code, t.Name, t.Level, t.Description, t.Prerequisite, t.TimeLimitSeconds, t.PassPercent,
		t.ValidityDays, string(bp), t.PartialCredit, t.RetakeWaitSeconds, t.MaxAttempts,
		t.AttemptWindowDays, now); err != nil {
		return fmt.Errorf("insert tier %s: %w", t.Code, err)
	}
	return nil
}

const tierColumns = `code, name, level, description, prerequisite, time_limit_seconds, pass_percent,
	validity_days, blueprint, partial_credit, retake_wait_seconds, max_attempts, attempt_window_days, updated_at,
	renewal_window_days, renewal_mode, grace_days`

func scanTier(r interface{ Scan(...any) error }) (Tier, error) {
	var t Tier
	var prereq sql.NullString
	var bp string
	if err := r.Scan(&t.Code, &t.Name, &t.Level, &t.Description, &prereq, &t.TimeLimitSeconds,
		&t.PassPercent, &t.ValidityDays, &bp, &t.PartialCredit, &t.RetakeWaitSeconds,
		&t.MaxAttempts, &t.AttemptWindowDays, &t.UpdatedAt,
		&t.RenewalWindowDays, &t.RenewalMode, &t.GraceDays); err != nil {
		return Tier{}, err
	}
	if prereq.Valid {
		t.Prerequisite = &prereq.String
	}
	if err := json.Unmarshal([]byte(bp), &t.Blueprint); err != nil {
		return Tier{}, fmt.Errorf("tier %s blueprint: %w", t.Code, err)
	}
	t.QuestionCount = t.Blueprint.Total()
	return t, nil
}

func findTier(ctx context.Context, tx *sql.Tx, code string) (Tier, error) {
	t, err := scanTier(tx.QueryRowContext(ctx, `SELECT `+tierColumns+` FROM tiers WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Tier{}, ErrTierNotFound
	}
	if err != nil {
		return Tier{}, fmt.Errorf("find tier %s: %w", code, err)
	}
	return t, nil
}

func findTiers(ctx context.Context, tx *sql.Tx) ([]Tier, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+tierColumns+` FROM tiers ORDER BY level`)
	if err != nil {
		return nil, fmt.Errorf("list tiers: %w", err)
	}
	defer rows.Close()
	var out []Tier
	for rows.Next() {
		t, err := scanTier(rows)
		if err != nil {
			return nil, fmt.Errorf("list tiers: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Tier returns one tier.
func (s *Service) Tier(ctx context.Context, code string) (Tier, error) {
	var t Tier
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = findTier(ctx, tx, code)
		return err
	})
	return t, err
}

// Tiers lists the tiers ordered by level. For a signed-in user (userID not
// empty) each tier says whether the user may start it now and, if not, why.
func (s *Service) Tiers(ctx context.Context, userID string) ([]Tier, error) {
	var out []Tier
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = findTiers(ctx, tx); err != nil || userID == "" {
			return err
		}
		now := s.clock.Now()
		f, err := loadFacts(ctx, tx, userID, now, "")
		if err != nil {
			return err
		}
		for i := range out {
			ok := true
			if e := f.check(out[i], now, true); e != nil {
				ok = false
				out[i].IneligibleReason = e.Code
				if ra, has := f.retryAt(out[i], now); has {
					ra = ceilSecond(ra)
					out[i].RetryAfter = &ra
				}
			}
			out[i].Eligible = &ok
		}
		return nil
	})
	return out, err
}
