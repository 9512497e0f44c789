package web

import (
	"math"
	"strconv"
	"strings"
)

// formatFixed writes f with exactly decimals places in the language's
// notation: statistics tables line up on a fixed number of places (0.50,
// not 0.5), which formatNumber's trimming would break.
func formatFixed(lang string, f float64, decimals int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // no "-0.00"
	}
	intPart, frac, _ := strings.Cut(s, ".")
	out := formatNumber(lang, mustAtof(intPart), 0)
	if strings.HasPrefix(intPart, "-") && !strings.HasPrefix(out, "-") {
		out = "-" + out // "-0" lost its sign in formatNumber
	}
	if frac != "" {
		dec, _ := separators(lang)
		out += dec + frac
	}
	return out
}

func mustAtof(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}
