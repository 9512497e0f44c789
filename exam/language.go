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

// TierLanguages lists the languages the tier's full form can be filled in
// from active items, English first. English is listed even when the bank is
// short (the start then reports tier_unavailable, as before languages).
func (s *Service) TierLanguages(ctx context.Context, tierCode string) ([]string, error) {
	t, err := s.Tier(ctx, tierCode)
	if err != nil {
		return nil, err
	}
	return s.LanguagesOf(ctx, t)
}

// LanguagesOf is TierLanguages for a tier the caller has already read (the
// dashboard lists every tier, and need not read each one again).
func (s *Service) LanguagesOf(ctx context.Context, t Tier) ([]string, error) {
	out := []string{bank.English}
	for _, l := range Languages[1:] {
		pool, err := s.items.DrawPoolIn(ctx, t.Code, l)
		if err != nil {
			return nil, fmt.Errorf("languages of %s: %w", t.Code, err)
		}
		if len(shortfall(pool, t.Blueprint)) == 0 {
			out = append(out, l)
		}
	}
	return out, nil
}
