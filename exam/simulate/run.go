package simulate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/cert"
)

// ErrRealCandidates refuses a database that holds real candidates: their
// statistics would be mixed with made-up ones.
var ErrRealCandidates = apperr.New(apperr.Conflict, "real_candidates",
	"The database holds real candidates; simulate into a copy or allow it explicitly.")

// Runner sits synthetic candidates through exams.
type Runner struct {
	DB    *db.DB
	Exams *exam.Service
	Items exam.ItemSource
	// Certs issues a synthetic candidate the prerequisite tier's
	// certificate, so the simulation bypasses prerequisites; nil: tiers
	// with a prerequisite cannot be simulated.
	Certs *cert.Service
	Model Model
	Seed  uint64
	// Advance, when set, moves the exam clock by the time a candidate
	// spends (a fake clock in tests); with the real clock it is nil and
	// answers follow each other at once.
	Advance func(time.Duration)
	// AllowReal lets the simulation write into a database with real
	// candidates.
	AllowReal bool
}

// Summary is what a run did.
type Summary struct {
	Candidates, Passed int
}

// Run sits n synthetic candidates through tier, one after another.
func (r *Runner) Run(ctx context.Context, tier string, n int) (Summary, error) {
	var sum Summary
	if err := r.checkReal(ctx); err != nil {
		return sum, err
	}
	t, err := r.Exams.Tier(ctx, tier)
	if err != nil {
		return sum, err
	}
	rng := newRand(r.Seed)
	run := db.NewID("s")
	for c := 0; c < n; c++ {
		theta := rng.NormFloat64()
		user, err := r.addCandidate(ctx, fmt.Sprintf("%s-%d", run, c))
		if err != nil {
			return sum, err
		}
		if t.Prerequisite != nil && *t.Prerequisite != "" {
			if r.Certs == nil {
				return sum, fmt.Errorf("simulate %s: prerequisite %s needs a certificate service", tier, *t.Prerequisite)
			}
			if _, err := r.Certs.Issue(ctx, cert.IssueRequest{AttemptID: "sim-" + user, UserID: user,
				HolderName: "Synthetic Candidate", Tier: *t.Prerequisite, TierName: *t.Prerequisite,
				ValidFor: 365 * 24 * time.Hour}); err != nil {
				return sum, fmt.Errorf("simulate: prerequisite for %s: %w", user, err)
			}
		}
		a, err := r.Exams.Start(ctx, user, "Synthetic Candidate", tier)
		if err != nil {
			return sum, fmt.Errorf("simulate: start %d: %w", c, err)
		}
		form, err := r.Exams.FormKey(ctx, a.ID)
		if err != nil {
			return sum, err
		}
		refs := make([]bank.Ref, len(form))
		for i, q := range form {
			refs[i] = q.Ref
		}
		items, err := r.Items.ItemVersions(ctx, refs)
		if err != nil {
			return sum, err
		}
		share := float64(c) / float64(n)
		for _, q := range form {
			it := items[q.Ref]
			p := r.Model.Params(it)
			picked := p.Respond(rng, it, theta, share)
			if r.Advance != nil {
				r.Advance(time.Duration(20+rng.IntN(60)) * time.Second)
			}
			if _, err := r.Exams.SaveAnswer(ctx, user, a.ID, q.ID, displayed(q.Order, picked), false); err != nil {
				return sum, fmt.Errorf("simulate: answer %s of %s: %w", q.ID, a.ID, err)
			}
		}
		res, err := r.Exams.Submit(ctx, user, a.ID)
		if err != nil {
			return sum, fmt.Errorf("simulate: submit %s: %w", a.ID, err)
		}
		sum.Candidates++
		if res.Outcome == exam.OutcomePassed {
			sum.Passed++
		}
		if r.Advance != nil {
			r.Advance(time.Minute)
		}
	}
	return sum, nil
}

// displayed maps authored indexes to the displayed option ids of a form.
func displayed(order, authored []int) []string {
	var out []string
	for p, idx := range order {
		for _, a := range authored {
			if a == idx {
				out = append(out, exam.OptionID(p))
			}
		}
	}
	sort.Strings(out)
	return out
}

// checkReal refuses a database with candidates outside the synthetic
// domain, unless AllowReal.
func (r *Runner) checkReal(ctx context.Context) error {
	if r.AllowReal {
		return nil
	}
	var n int
	err := r.DB.View(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'candidate' AND email NOT LIKE ?`,
			"%"+exam.SyntheticDomain).Scan(&n)
	})
	if err != nil {
		return fmt.Errorf("simulate: count candidates: %w", err)
	}
	if n > 0 {
		return ErrRealCandidates.With("candidates", n)
	}
	return nil
}

// addCandidate creates a synthetic candidate. The password hash is not a
// hash, so nobody can sign in as one.
func (r *Runner) addCandidate(ctx context.Context, id string) (string, error) {
	err := r.DB.Update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, role, created_at)
			VALUES (?, ?, 'Synthetic Candidate', '!', 'candidate', ?)`, id, id+exam.SyntheticDomain, time.Now().UTC())
		return err
	})
	if err != nil {
		return "", errors.Join(fmt.Errorf("simulate: add candidate %s", id), err)
	}
	return id, nil
}
