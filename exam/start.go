package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/db"
)

// Start begins an attempt at tier for userID, after checking eligibility.
// holderName is the name the certificate will carry ("" takes the account's
// name). The form is assembled once and stored with item versions and
// option orders; the deadline is start + time limit × the user's
// accommodation.
func (s *Service) Start(ctx context.Context, userID, holderName, tierCode string) (*Attempt, error) {
	return s.StartIn(ctx, userID, holderName, tierCode, bank.English)
}

// StartIn is Start delivering the exam in lang (en or de; "" is English).
// Only items carrying a variant in lang are drawn; grading, the blueprint
// and the pass mark do not depend on the language.
func (s *Service) StartIn(ctx context.Context, userID, holderName, tierCode, lang string) (*Attempt, error) {
	if lang == "" {
		lang = bank.English
	}
	if !validLanguage(lang) {
		return nil, codeExamLanguage.Msg("Use en or de.").On("language")
	}
	t, err := s.Tier(ctx, tierCode)
	if err != nil {
		return nil, err
	}
	// Read phase: refuse early (before the draw) and learn which items the
	// candidate has seen at this tier. The write phase checks again.
	seen := map[string]bool{}
	lastDrawn := map[string]int64{}
	renews := ""
	err = s.db.View(ctx, func(tx *sql.Tx) error {
		f, err := loadFacts(ctx, tx, userID, s.clock.Now(), "")
		if err != nil {
			return err
		}
		if e := f.check(t, s.clock.Now(), true); e != nil {
			return e
		}
		renews = f.renewable[t.Code]
		if err := seenItems(ctx, tx, userID, t.Code, seen); err != nil {
			return err
		}
		return readExposure(ctx, tx, lastDrawn)
	})
	if err != nil {
		return nil, err
	}

	pool, err := s.items.DrawPoolIn(ctx, t.Code, lang)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", t.Code, err)
	}
	seed := s.cfg.Seed()
	form := t
	if renews != "" {
		form = renewalForm(t)
	}
	if lang != bank.English {
		// A language the bank cannot fill is its own answer, whatever the
		// candidate has seen: the English exam may still be available.
		if short := shortfall(pool, form.Blueprint); len(short) > 0 {
			return nil, ErrLanguageUnavailable.With("language", lang)
		}
	}
	picks, short := draw(pool, form.Blueprint, seen, lastDrawn, seed)
	if len(short) > 0 {
		e := withMessage(ErrTierUnavailable, fmt.Sprintf("The %s exam cannot be assembled right now: %s.", t.Name, short))
		need := map[string]int{}
		for _, m := range short {
			need[string(m.Domain)] = m.Needed - m.Available
		}
		return nil, e.With("missing", need)
	}
	refs := make([]bank.Ref, len(picks))
	for i, p := range picks {
		refs[i] = bank.Ref{ID: p.ID, Version: p.Version}
	}
	items, err := s.items.ItemVersions(ctx, refs)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", t.Code, err)
	}
	r := newRNG(^seed) // option orders: a stream of their own
	qs := make([]questionRow, len(picks))
	for i, ref := range refs {
		it := items[ref]
		if it == nil {
			return nil, fmt.Errorf("start %s: item %s version %d missing", t.Code, ref.ID, ref.Version)
		}
		qs[i] = questionRow{
			ID: fmt.Sprintf("q%d", i+1), Position: i + 1, Ref: ref,
			Domain: it.Domain, Type: it.Type, Order: optionOrder(r, it), MatchOrder: matchOrder(r, it),
		}
	}

	a := &attemptRow{
		ID: db.NewID("a"), UserID: userID, Tier: t.Code, HolderName: holderName, Status: StatusInProgress,
		Seed: seed, Language: lang, TimeLimitSeconds: form.TimeLimitSeconds, PassPercent: t.PassPercent, PartialCredit: t.PartialCredit,
	}
	// READ COMMITTED is enough here and SERIALIZABLE is not affordable:
	// every start reads the whole exposure table, so concurrent starts
	// would all conflict. What must hold is held by the database itself:
	// one open attempt per candidate by the partial unique index, the
	// exposure counts by atomic upserts; the exposure read only steers
	// which items are preferred.
	err = s.db.UpdateReadCommitted(ctx, func(tx *sql.Tx) error {
		if err := s.startTx(ctx, tx, t, a, qs); err != nil {
			return err
		}
		return markRenewal(ctx, tx, a.ID, renews)
	})
	if err != nil {
		return nil, err
	}
	return s.render(a, qs, items, nil, s.clock.Now())
}

// startTx stores a new attempt and its form. The partial unique index
// attempts_one_open is what guarantees one attempt in progress per user;
// eligibility is checked again inside this transaction, so concurrent starts
// cannot slip past it.
func (s *Service) startTx(ctx context.Context, tx *sql.Tx, t Tier, a *attemptRow, qs []questionRow) error {
	now := s.clock.Now()
	a.StartedAt = now
	a.Accommodation = 1
	err := tx.QueryRowContext(ctx, `SELECT multiplier FROM accommodations WHERE user_id = ?`, a.UserID).Scan(&a.Accommodation)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read accommodation: %w", err)
	}
	a.Deadline = deadlineFor(now, a.TimeLimitSeconds, a.Accommodation)
	if a.Language == "" {
		a.Language = bank.English
	}
	if a.HolderName == "" {
		err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, a.UserID).Scan(&a.HolderName)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrUserNotFound
		}
		if err != nil {
			return fmt.Errorf("read holder name: %w", err)
		}
	}
	// Under a savepoint: on PostgreSQL a failed statement aborts the whole
	// transaction, and a conflict must still be followed by a read of the
	// open attempt.
	err = db.Savepoint(ctx, tx, "start_attempt", func() error {
		_, err := tx.ExecContext(ctx, `INSERT INTO attempts (id, user_id, tier_code, holder_name, status, seed,
		started_at, deadline, time_limit_seconds, accommodation, pass_percent, partial_credit, language)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.UserID, a.Tier, a.HolderName, a.Status, a.Seed, a.StartedAt, a.Deadline,
			a.TimeLimitSeconds, a.Accommodation, a.PassPercent, a.PartialCredit, a.Language)
		return err
	})
	switch {
	case isUniqueViolation(err, "attempts.user_id"):
		var open string
		if err := tx.QueryRowContext(ctx, `SELECT id FROM attempts WHERE user_id = ? AND status = ?`,
			a.UserID, StatusInProgress).Scan(&open); err != nil {
			return fmt.Errorf("find open attempt: %w", err)
		}
		return ErrAttemptInProgress.With("attempt_id", open)
	case isForeignKeyViolation(err):
		return ErrUserNotFound
	case err != nil:
		return fmt.Errorf("insert attempt: %w", err)
	}
	f, err := loadFacts(ctx, tx, a.UserID, now, a.ID)
	if err != nil {
		return err
	}
	if e := f.check(t, now, false); e != nil {
		return e
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO attempt_questions
		(attempt_id, question_id, position, item_id, item_version, domain, type, option_order, match_order)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare questions: %w", err)
	}
	defer stmt.Close()
	for _, q := range qs {
		order, _ := json.Marshal(q.Order)
		mo := []byte("[]")
		if q.MatchOrder != nil {
			mo, _ = json.Marshal(q.MatchOrder)
		}
		if _, err := stmt.ExecContext(ctx, a.ID, q.ID, q.Position, q.Ref.ID, q.Ref.Version,
			q.Domain, q.Type, string(order), string(mo)); err != nil {
			return fmt.Errorf("insert question %s: %w", q.ID, err)
		}
	}
	return recordExposure(ctx, tx, qs, now)
}

// readExposure fills lastDrawn with when each item was last drawn (Unix
// milliseconds). The table holds a row per item ever drawn, so this is one
// small indexless scan of two integers and a key per item.
func readExposure(ctx context.Context, tx *sql.Tx, lastDrawn map[string]int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT item_id, last_drawn FROM item_exposure`)
	if err != nil {
		return fmt.Errorf("read exposure: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			return fmt.Errorf("read exposure: %w", err)
		}
		lastDrawn[id] = at
	}
	return rows.Err()
}

// recordExposure counts the form's items as drawn now, in the transaction
// that stores the form: a form that is not stored is not counted.
func recordExposure(ctx context.Context, tx *sql.Tx, qs []questionRow, now time.Time) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO item_exposure (item_id, draws, last_drawn) VALUES (?, 1, ?)
		ON CONFLICT (item_id) DO UPDATE SET draws = item_exposure.draws + 1, last_drawn = excluded.last_drawn`)
	if err != nil {
		return fmt.Errorf("prepare exposure: %w", err)
	}
	defer stmt.Close()
	// In key order: two starts that drew common items lock their rows in
	// the same order, so on PostgreSQL they queue instead of deadlocking.
	ids := make([]string, len(qs))
	for i, q := range qs {
		ids[i] = q.Ref.ID
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, err := stmt.ExecContext(ctx, id, now.UnixMilli()); err != nil {
			return fmt.Errorf("record exposure of %s: %w", id, err)
		}
	}
	return nil
}

// seenItems adds to seen the items of the user's earlier attempts at tier.
func seenItems(ctx context.Context, tx *sql.Tx, userID, tier string, seen map[string]bool) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT q.item_id FROM attempts a
		JOIN attempt_questions q ON q.attempt_id = a.id
		WHERE a.user_id = ? AND a.tier_code = ?`, userID, tier)
	if err != nil {
		return fmt.Errorf("load seen items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("load seen items: %w", err)
		}
		seen[id] = true
	}
	return rows.Err()
}
