package web

import (
	"strings"

	"github.com/mopscert/mopscert/exam/stats"
)

// flagMessage words a statistics flag for people, from its code and
// figures (exam/stats hands over codes and numbers only). An unknown code
// reads as itself.
func (lc *loc) flagMessage(f stats.Flag) string {
	n := func(v float64, decimals int) string { return formatFixed(lc.Lang, v, decimals) }
	pc := func(v float64, decimals int) string { return formatFixed(lc.Lang, v*100, decimals) }
	switch f.Code {
	case stats.KeySuspect:
		return lc.T("admin.flag.key_suspect", "R", n(f.Value, 2))
	case stats.LowDiscrimination:
		return lc.T("admin.flag.low_discrimination", "R", n(f.Value, 2), "Limit", n(f.Limit, 2))
	case stats.TooEasy:
		return lc.T("admin.flag.too_easy", "Value", pc(f.Value, 0), "Limit", pc(f.Limit, 0))
	case stats.TooHard:
		return lc.T("admin.flag.too_hard", "Value", pc(f.Value, 0), "Limit", pc(f.Limit, 0))
	case stats.WeakDistractor:
		if f.Limit > 0 {
			return lc.T("admin.flag.weak_distractor", "Option", f.Option+1, "Value", pc(f.Value, 1), "Limit", pc(f.Limit, 0))
		}
		return lc.T("admin.flag.weak_distractor_positive", "Option", f.Option+1, "R", n(f.Value, 2))
	case stats.Drift:
		return lc.T("admin.flag.drift", "Earlier", pc(f.Earlier, 0), "Recent", pc(f.Recent, 0), "P", n(f.P, 4))
	case stats.TranslationSuspect:
		return lc.T("admin.flag.translation_suspect", "Recent", pc(f.Recent, 0), "Language", strings.ToUpper(f.Language),
			"English", pc(f.Earlier, 0), "P", n(f.P, 4))
	case stats.Overexposed:
		return lc.T("admin.flag.overexposed", "Value", pc(f.Value, 0), "Limit", pc(f.Limit, 0))
	}
	return f.Code
}
