package simulate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/mopscert/mopscert/account"
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
	// Languages the candidates take the exam in, in turn (candidate c takes
	// Languages[c % len]); empty: English. Alternating keeps the ability
	// distribution the same in every language.
	Languages []string
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
		lang := bank.English
		if len(r.Languages) > 0 {
			lang = r.Languages[c%len(r.Languages)]
		}
		a, err := r.Exams.StartIn(ctx, user, "Synthetic Candidate", tier, lang)
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
			p := r.Model.ParamsIn(it, lang)
			in := answerFor(q, it, func() bool { return p.Right(rng, theta, share) },
				func() []int { return p.Respond(rng, it, theta, share) })
			if r.Advance != nil {
				r.Advance(time.Duration(20+rng.IntN(60)) * time.Second)
			}
			if _, err := r.Exams.SaveResponse(ctx, user, a.ID, q.ID, in); err != nil {
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

// answerFor is what a candidate types or picks for question q. The option
// types go through the model's Respond (it knows miskeys and unused
// distractors); numeric, ordering and matching items are answered right or
// wrong as a whole, as right draws.
func answerFor(q exam.FormQuestion, it *bank.Item, right func() bool, choose func() []int) exam.AnswerInput {
	switch it.Type {
	case bank.Numeric:
		v := it.Numeric.Value
		if !right() {
			// Off by more than the tolerance, as a slip in the arithmetic is.
			v += 10*it.Numeric.Tolerance + 1 + math.Abs(v)/2
		}
		return exam.AnswerInput{Value: strconv.FormatFloat(v, 'f', -1, 64)}
	case bank.Ordering:
		order := make([]int, len(it.Options)) // authored indexes in the given order
		for i := range order {
			order[i] = i
		}
		if !right() {
			order[0], order[1] = order[1], order[0]
		}
		var ids []string
		for _, a := range order {
			ids = append(ids, exam.OptionID(slices.Index(q.Order, a)))
		}
		return exam.AnswerInput{Choices: ids}
	case bank.Matching:
		ids := make([]string, len(q.Order))
		ok := right()
		for p, prompt := range q.Order {
			want := prompt
			if !ok {
				want = (prompt + 1) % len(q.Order) // every prompt paired with its neighbour's answer
			}
			ids[p] = exam.OptionID(slices.Index(q.MatchOrder, want))
		}
		return exam.AnswerInput{Choices: ids}
	}
	return exam.AnswerInput{Choices: displayed(q.Order, choose())}
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
		email := id + exam.SyntheticDomain
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, email_norm, name, password_hash, role, created_at)
			VALUES (?, ?, ?, 'Synthetic Candidate', '!', 'candidate', ?)`, id, email, account.EmailKey(email), time.Now().UTC())
		return err
	})
	if err != nil {
		return "", errors.Join(fmt.Errorf("simulate: add candidate %s", id), err)
	}
	return id, nil
}
