package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
)

// UpdateTier changes a tier. It answers 422 with field messages for values
// out of range, and blueprint_unfillable when a changed blueprint asks for
// more items of a domain than the bank has active for this tier.
func (s *Service) UpdateTier(ctx context.Context, code string, u TierUpdate) (Tier, error) {
	cur, err := s.Tier(ctx, code)
	if err != nil {
		return Tier{}, err
	}
	t, fields := applyUpdate(cur, u)
	if len(fields) > 0 {
		return Tier{}, fields.Err()
	}
	if !sameBlueprint(cur.Blueprint, t.Blueprint) {
		if err := s.checkFillable(ctx, t); err != nil {
			return Tier{}, err
		}
	}
	err = s.db.Update(ctx, func(tx *sql.Tx) error {
		if u.UpdatedAt != nil {
			// Checked in the writer so two administrators editing at once
			// cannot both pass it.
			now, err := findTier(ctx, tx, code)
			if err != nil {
				return err
			}
			if !now.UpdatedAt.Equal(*u.UpdatedAt) {
				return ErrTierConflict.With("current_updated_at", now.UpdatedAt)
			}
		}
		if t.Prerequisite != nil {
			p, err := findTier(ctx, tx, *t.Prerequisite)
			if errors.Is(err, ErrTierNotFound) {
				return codeTierPrereqUnknown.Msg("No tier has that code.").On("prerequisite")
			}
			if err != nil {
				return err
			}
			// A prerequisite sits at a lower level, which also rules out cycles.
			if p.Level >= t.Level {
				return codeTierPrereqLevel.Msg("The prerequisite must be a tier of a lower level.").On("prerequisite")
			}
		}
		bp, err := json.Marshal(t.Blueprint)
		if err != nil {
			return fmt.Errorf("encode blueprint: %w", err)
		}
		t.UpdatedAt = s.clock.Now()
		// A pass mark typed in by hand no longer comes from a study.
		_, err = tx.ExecContext(ctx, `UPDATE tiers SET name = ?, level = ?, description = ?, prerequisite = ?,
			time_limit_seconds = ?, pass_mark_study = CASE WHEN pass_percent = ?6 THEN pass_mark_study END,
			pass_percent = ?6, validity_days = ?, blueprint = ?, partial_credit = ?,
			retake_wait_seconds = ?, max_attempts = ?, attempt_window_days = ?, updated_at = ? WHERE code = ?`,
			t.Name, t.Level, t.Description, t.Prerequisite, t.TimeLimitSeconds, t.PassPercent, t.ValidityDays,
			string(bp), t.PartialCredit, t.RetakeWaitSeconds, t.MaxAttempts, t.AttemptWindowDays, t.UpdatedAt, code)
		if isUniqueViolation(err, "tiers.level") {
			return codeTierLevelTaken.Msg("Another tier has this level.").On("level")
		}
		if err != nil {
			return fmt.Errorf("update tier %s: %w", code, err)
		}
		if err := updateRenewalRules(ctx, tx, t); err != nil {
			return err
		}
		// Tiers that name this one as prerequisite must stay above it.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tiers WHERE prerequisite = ? AND level <= ?`,
			code, t.Level).Scan(&n); err != nil {
			return fmt.Errorf("check dependent tiers: %w", err)
		}
		if n > 0 {
			return codeTierLevelDependent.Msg("A tier that requires this one would no longer be above it.").On("level")
		}
		return nil
	})
	if err != nil {
		return Tier{}, err
	}
	return t, nil
}

// applyUpdate returns cur with u applied and a message per bad field.
func applyUpdate(cur Tier, u TierUpdate) (Tier, apperr.FieldMsgs) {
	t := cur
	f := apperr.FieldMsgs{}
	// unit is the range's code, one per unit so each language can word it.
	intField := func(name string, dst *int, v *int, lo, hi int, unit apperr.Code) {
		if v == nil {
			return
		}
		if *v < lo || *v > hi {
			f[name] = unit.Msg(rangeFormats[unit.ID], lo, hi)
			return
		}
		*dst = *v
	}
	if u.Code != nil && *u.Code != cur.Code {
		f["code"] = codeTierCodeFixed.Msg("A tier's code cannot be changed.")
	}
	if u.Name != nil {
		name := strings.TrimSpace(*u.Name)
		if n := utf8.RuneCountInString(name); n == 0 || n > 100 {
			f["name"] = codeTierName.Msg("Give a name of 1 to %d characters.", 100)
		} else {
			t.Name = name
		}
	}
	if u.Description != nil {
		if utf8.RuneCountInString(*u.Description) > 2000 {
			f["description"] = codeTierDescription.Msg("Keep the description under %d characters.", 2000)
		} else {
			t.Description = strings.TrimSpace(*u.Description)
		}
	}
	intField("level", &t.Level, u.Level, 1, 100, codeTierRange)
	if u.Prerequisite != nil {
		switch p := strings.TrimSpace(*u.Prerequisite); {
		case p == "":
			t.Prerequisite = nil
		case p == cur.Code:
			f["prerequisite"] = codeTierOwnPrereq.Msg("A tier cannot be its own prerequisite.")
		default:
			t.Prerequisite = &p
		}
	}
	// As short as 5 s: administrators rehearse the auto-submit on a test tier.
	intField("time_limit_seconds", &t.TimeLimitSeconds, u.TimeLimitSeconds, 5, 8*60*60, codeTierRangeSeconds)
	intField("pass_percent", &t.PassPercent, u.PassPercent, 1, 100, codeTierRangePercent)
	intField("validity_days", &t.ValidityDays, u.ValidityDays, 1, 3650, codeTierRangeDays)
	intField("retake_wait_seconds", &t.RetakeWaitSeconds, u.RetakeWaitSeconds, 0, 365*24*60*60, codeTierRangeSeconds)
	intField("max_attempts", &t.MaxAttempts, u.MaxAttempts, 1, 100, codeTierRangeAttempts)
	intField("attempt_window_days", &t.AttemptWindowDays, u.AttemptWindowDays, 1, 3650, codeTierRangeDays)
	if u.PartialCredit != nil {
		t.PartialCredit = *u.PartialCredit
	}
	if u.Blueprint != nil {
		bp := Blueprint{}
		bad := false
		for d, n := range u.Blueprint {
			switch {
			case !d.Valid():
				f["blueprint."+string(d)] = codeBlueprintDomain.Msg("Use the domains %s.", "concepts, tools and soft_skills")
				bad = true
			case n < 0 || n > 200:
				f["blueprint."+string(d)] = codeBlueprintCount.Msg("Use %d to %d questions.", 0, 200)
				bad = true
			default:
				bp[d] = n
			}
		}
		if !bad {
			if n := bp.Total(); n < 1 || n > 200 {
				f["blueprint"] = codeBlueprintTotal.Msg("A form has %d to %d questions in all.", 1, 200)
			} else {
				t.Blueprint = bp
			}
		}
	}
	t.QuestionCount = t.Blueprint.Total()
	if u.QuestionCount != nil && *u.QuestionCount != t.QuestionCount {
		f["question_count"] = codeQuestionCount.Msg("The question count follows from the blueprint: %d.", t.QuestionCount)
	}
	applyRenewalUpdate(&t, u, f)
	return t, f
}

// sameBlueprint compares the counts of the known domains (the only keys a
// stored blueprint has).
func sameBlueprint(a, b Blueprint) bool {
	for _, d := range bank.Domains {
		if a[d] != b[d] {
			return false
		}
	}
	return true
}

// checkFillable reports blueprint_unfillable, per domain, when the bank has
// fewer active items for the tier than the blueprint asks for, counting one
// item per enemy group (a trial draw finds what groups leave possible).
func (s *Service) checkFillable(ctx context.Context, t Tier) error {
	pool, err := s.items.DrawPool(ctx, t.Code)
	if err != nil {
		return fmt.Errorf("check blueprint of %s: %w", t.Code, err)
	}
	_, short := draw(pool, t.Blueprint, nil, nil, 1)
	if len(short) == 0 {
		return nil
	}
	e := withMessage(ErrBlueprintUnfillable, "The question bank cannot fill this blueprint: "+short.String()+".")
	f := apperr.FieldMsgs{}
	for _, m := range short {
		msg := codeBlueprintShort.Msg("%d active items for this tier, %d needed.", m.Available, m.Needed)
		if m.Enemies {
			msg = codeBlueprintShortEnem.Msg("%d items that may stand on one form (one per enemy group), %d needed.", m.Available, m.Needed)
		}
		f["blueprint."+string(m.Domain)] = msg
	}
	// The summary above stays English detail; other languages show the
	// code's general message and these per-domain fields.
	fe := f.Err()
	e.Fields, e.FieldMsgs = fe.Fields, fe.FieldMsgs
	return e
}
