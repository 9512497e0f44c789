package exam

import (
	"context"
	"database/sql"
	"strings"

	"github.com/mopscert/mopscert/bank"
)

// SyntheticDomain is the reserved e-mail domain of synthetic candidates
// (RFC 2606's .invalid can never receive mail): the simulator creates them,
// statistics pages can tell them apart, and a database holding any other
// candidate is refused by the simulator unless asked.
const SyntheticDomain = "@synthetic.invalid"

// IsSynthetic reports whether an e-mail address is a synthetic candidate's.
func IsSynthetic(email string) bool {
	return strings.HasSuffix(strings.ToLower(email), SyntheticDomain)
}

// FormQuestion is one question of a form with its authored option order:
// what a simulator needs to answer as a model says. Never shown to a
// candidate.
type FormQuestion struct {
	ID    string
	Ref   bank.Ref
	Type  bank.Type
	Order []int // displayed position -> authored index
}

// OptionID is the displayed id of the option at displayed position p.
func OptionID(p int) string { return optionID(p) }

// FormKey returns the frozen form of an attempt.
func (s *Service) FormKey(ctx context.Context, attemptID string) ([]FormQuestion, error) {
	var out []FormQuestion
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		qs, err := findQuestions(ctx, tx, attemptID)
		for _, q := range qs {
			out = append(out, FormQuestion{ID: q.ID, Ref: q.Ref, Type: q.Type, Order: q.Order})
		}
		return err
	})
	return out, err
}
