package exam

import (
	"context"
	"fmt"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
)

// Languages an exam can be delivered in. English is the authored text;
// another language needs every drawn item to carry its variant, so that a
// German candidate never meets an English question mid-exam.
var Languages = []string{bank.English, "de"}

// ErrLanguageUnavailable: the tier's blueprint cannot be filled from active
// items translated to the requested language.
var ErrLanguageUnavailable = apperr.New(apperr.Invalid, "language_unavailable",
	"This exam cannot be taken in that language yet: too few of its questions are translated.")

func validLanguage(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// inLanguage keeps the pool entries deliverable in lang.
func inLanguage(pool []bank.PoolEntry, lang string) []bank.PoolEntry {
	if lang == bank.English {
		return pool
	}
	out := make([]bank.PoolEntry, 0, len(pool))
	for _, e := range pool {
		if e.Has(lang) {
			out = append(out, e)
		}
	}
	return out
}

// TierLanguages lists the languages the tier's full form can be filled in
// from active items, English first. English is listed even when the bank is
// short (the start then reports tier_unavailable, as before languages).
func (s *Service) TierLanguages(ctx context.Context, tierCode string) ([]string, error) {
	t, err := s.Tier(ctx, tierCode)
	if err != nil {
		return nil, err
	}
	pool, err := s.items.DrawPool(ctx, t.Code)
	if err != nil {
		return nil, fmt.Errorf("languages of %s: %w", t.Code, err)
	}
	out := []string{bank.English}
	for _, l := range Languages[1:] {
		if len(shortfall(inLanguage(pool, l), t.Blueprint)) == 0 {
			out = append(out, l)
		}
	}
	return out, nil
}
