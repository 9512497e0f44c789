package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mopscert/mopscert/exam/cert"
)

// Result is a graded attempt. It never reveals which options were correct.
type Result struct {
	AttemptID     string           `json:"attempt_id"`
	Tier          string           `json:"tier"`
	Outcome       Outcome          `json:"outcome"`
	ScorePercent  float64          `json:"score_percent"`
	PassPercent   int              `json:"pass_percent"`
	Correct       float64          `json:"correct"`
	Total         int              `json:"total"`
	AutoSubmitted bool             `json:"auto_submitted"`
	SubmittedAt   time.Time        `json:"submitted_at"`
	Domains       []DomainScore    `json:"domains"`
	Certificate   *cert.Credential `json:"certificate"` // null when failed or no issuer
	// Regrades says what regrades changed on this attempt (regrade.go).
	Regrades []RegradeNote `json:"regrades,omitempty"`
}

// Submit closes the user's attempt, grades it and, on a pass, issues the
// certificate, all in one write transaction. Only one caller can win the
// conditional UPDATE that closes the attempt; every other caller, and every
// repeat, gets the stored Result. A submit after the deadline and grace
// counts as the sweeper's: status expired, submitted_at = deadline.
func (s *Service) Submit(ctx context.Context, userID, attemptID string) (*Result, error) {
	var a *attemptRow
	var res *Result
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		if a, err = findAttempt(ctx, tx, userID, attemptID); err != nil || a.Status == StatusInProgress {
			return err
		}
		res, err = s.resultTx(ctx, tx, a)
		return err
	})
	if err != nil || res != nil {
		return res, err
	}
	res, _, err = s.finalize(ctx, a)
	return res, err
}

// Result returns the result of the user's attempt; attempt_open while it
// runs. An attempt left open past its deadline and grace is auto-submitted
// first, so a candidate never waits for the sweeper.
func (s *Service) Result(ctx context.Context, userID, attemptID string) (*Result, error) {
	if res, err := s.expireIfDue(ctx, userID, attemptID); err != nil || res != nil {
		return res, err
	}
	var res *Result
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		a, err := findAttempt(ctx, tx, userID, attemptID)
		if err != nil {
			return err
		}
		if a.Status == StatusInProgress {
			return ErrAttemptOpen
		}
		res, err = s.resultTx(ctx, tx, a)
		return err
	})
	return res, err
}

// expireIfDue auto-submits the attempt when it is still open past its
// deadline and grace, returning its result; nil when there was nothing to do.
func (s *Service) expireIfDue(ctx context.Context, userID, attemptID string) (*Result, error) {
	var a *attemptRow
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = findAttempt(ctx, tx, userID, attemptID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if a.Status != StatusInProgress || !s.clock.Now().After(a.Deadline.Add(s.cfg.Grace)) {
		return nil, nil
	}
	res, _, err := s.finalize(ctx, a)
	return res, err
}

// finalize closes, grades and certifies an open attempt in one write
// transaction and returns the stored result; won says whether this call
// closed it (false: someone else did first). Item versions are loaded
// before the transaction, so the single writer is held only for the
// database work; answers are read inside it, so every save that committed
// before the close is graded.
func (s *Service) finalize(ctx context.Context, a *attemptRow) (res *Result, won bool, err error) {
	var qs []questionRow
	err = s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		qs, err = findQuestions(ctx, tx, a.ID)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	items, err := s.items.ItemVersions(ctx, refsOf(qs))
	if err != nil {
		return nil, false, fmt.Errorf("grade attempt %s: %w", a.ID, err)
	}
	err = s.db.Update(ctx, func(tx *sql.Tx) error {
		now := s.clock.Now()
		status, at, auto := StatusSubmitted, now, false
		if now.After(a.Deadline.Add(s.cfg.Grace)) {
			status, at, auto = StatusExpired, a.Deadline, true
		}
		r, err := tx.ExecContext(ctx, `UPDATE attempts SET status = ?, submitted_at = ?, auto_submitted = ?
			WHERE id = ? AND status = ?`, status, at, auto, a.ID, StatusInProgress)
		if err != nil {
			return fmt.Errorf("close attempt %s: %w", a.ID, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return fmt.Errorf("close attempt %s: %w", a.ID, err)
		}
		if won = n == 1; won {
			answers, err := findAnswers(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			g := gradeForm(qs, items, answers, a.Language, a.PartialCredit, a.PassPercent)
			if g, err = s.adjustGrade(ctx, tx, a, qs, items, answers, g); err != nil {
				return err
			}
			if err := s.recordGrade(ctx, tx, a, g); err != nil {
				return err
			}
		}
		row, err := findAttempt(ctx, tx, "", a.ID)
		if err != nil {
			return err
		}
		res, err = s.resultTx(ctx, tx, row)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return res, won, nil
}

// recordGrade stores a grade on the attempt and issues the certificate of a
// pass in the same transaction.
func (s *Service) recordGrade(ctx context.Context, tx *sql.Tx, a *attemptRow, g grade) error {
	domains, err := json.Marshal(g.Domains)
	if err != nil {
		return fmt.Errorf("encode domains: %w", err)
	}
	var credID sql.NullString
	t, err := findTier(ctx, tx, a.Tier)
	if err != nil {
		return err
	}
	var issued *cert.Credential
	if g.Outcome == OutcomePassed && s.certs != nil {
		req := cert.IssueRequest{
			AttemptID: a.ID, UserID: a.UserID, HolderName: a.HolderName,
			Tier: t.Code, TierName: t.Name, ValidFor: time.Duration(t.ValidityDays) * 24 * time.Hour,
		}
		if err := renewalIssue(ctx, tx, a.ID, t, &req); err != nil {
			return err
		}
		c, err := s.certs.IssueTx(ctx, tx, req)
		if err != nil {
			return fmt.Errorf("issue certificate for %s: %w", a.ID, err)
		}
		credID = sql.NullString{String: c.ID, Valid: true}
		issued = &c
	}
	if err := s.notifyGraded(ctx, tx, a, g, t.Name, issued); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE attempts SET outcome = ?, correct = ?, total = ?, score_percent = ?,
		domains = ?, credential_id = ? WHERE id = ?`,
		g.Outcome, g.Correct, g.Total, g.ScorePercent, string(domains), credID, a.ID); err != nil {
		return fmt.Errorf("record grade of %s: %w", a.ID, err)
	}
	return recordScores(ctx, tx, a.ID, g.Scores)
}

// resultTx builds the stored result of a closed attempt. The certificate is
// read from the credentials table, so its status (valid, expired, revoked)
// is always the live one.
func (s *Service) resultTx(ctx context.Context, tx *sql.Tx, a *attemptRow) (*Result, error) {
	if a.Status == StatusInProgress || a.SubmittedAt == nil {
		return nil, ErrAttemptOpen
	}
	if a.Outcome == "" { // closed without grading: an admin cancelled it
		return nil, ErrAttemptCancelled
	}
	res := &Result{
		AttemptID: a.ID, Tier: a.Tier, Outcome: a.Outcome, ScorePercent: a.Score, PassPercent: a.PassPercent,
		Correct: a.Correct, Total: int(a.Total), AutoSubmitted: a.AutoSubmitted, SubmittedAt: *a.SubmittedAt,
		Domains: []DomainScore{},
	}
	if a.Domains != "" {
		if err := json.Unmarshal([]byte(a.Domains), &res.Domains); err != nil {
			return nil, fmt.Errorf("attempt %s domains: %w", a.ID, err)
		}
	}
	var err error
	if res.Regrades, err = regradeNotes(ctx, tx, a.ID); err != nil {
		return nil, err
	}
	if a.CredentialID == "" || s.certs == nil {
		return res, nil
	}
	c, err := s.certs.FindTx(ctx, tx, a.CredentialID)
	if err != nil {
		return nil, fmt.Errorf("attempt %s certificate: %w", a.ID, err)
	}
	res.Certificate = &c
	return res, nil
}

// SweepExpired auto-submits every attempt still open past its deadline and
// grace: status expired, submitted_at = deadline, graded, certified on a
// pass. Each attempt closes in its own transaction, so one failure does not
// hold back the others; it returns how many this call closed.
func (s *Service) SweepExpired(ctx context.Context) (int, error) {
	const page = 500
	closed := 0
	var errs []error
	failed := map[string]bool{}
	for {
		cutoff := s.clock.Now().Add(-s.cfg.Grace)
		var due []*attemptRow
		err := s.db.View(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT `+attemptColumns+` FROM attempts
				WHERE status = ? AND deadline < ? ORDER BY deadline LIMIT ?`, StatusInProgress, cutoff, page+len(failed))
			if err != nil {
				return fmt.Errorf("find expired attempts: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				a, err := scanAttempt(rows)
				if err != nil {
					return fmt.Errorf("find expired attempts: %w", err)
				}
				if !failed[a.ID] {
					due = append(due, a)
				}
			}
			return rows.Err()
		})
		if err != nil {
			return closed, errors.Join(append(errs, err)...)
		}
		for _, a := range due {
			if err := ctx.Err(); err != nil {
				return closed, errors.Join(append(errs, err)...)
			}
			_, won, err := s.finalize(ctx, a)
			if err != nil {
				failed[a.ID] = true // retried by the next sweep, not this loop
				errs = append(errs, fmt.Errorf("sweep attempt %s: %w", a.ID, err))
				continue
			}
			if won {
				closed++
			}
		}
		if len(due) < page {
			return closed, errors.Join(errs...)
		}
	}
}

// RunSweeper sweeps once at once (attempts that expired while the server
// was down) and then every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 10 * time.Second
	}
	sweep := func() {
		if n, err := s.SweepExpired(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Logger.Error("exam sweeper", "closed", n, "err", err)
		} else if n > 0 {
			s.cfg.Logger.Info("exam sweeper auto-submitted expired attempts", "closed", n)
		}
	}
	sweep()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sweep()
		}
	}
}
