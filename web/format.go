package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Dates, numbers and percentages per language. Small formatters instead of
// golang.org/x/text/message: the pages need four shapes, and x/text's
// printer neither drops a trailing ".0" nor knows German month names.

var monthNames = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
}

// German short months per Duden: four-letter ones are not abbreviated.
var shortMonths = map[string][12]string{
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	"de": {"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."},
}

// formatDate is a long date in UTC: "2 December 2026", "2. Dezember 2026".
func formatDate(lang string, t time.Time) string {
	t = t.UTC()
	m := monthNames["en"]
	if n, ok := monthNames[lang]; ok {
		m = n
	}
	if lang == "de" {
		return fmt.Sprintf("%d. %s %d", t.Day(), m[t.Month()-1], t.Year())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), m[t.Month()-1], t.Year())
}

// formatDateTime is a short date and time in UTC: "2 Dec 2026, 15:04 UTC",
// "2. Dez. 2026, 15:04 UTC".
func formatDateTime(lang string, t time.Time) string {
	t = t.UTC()
	m := shortMonths["en"]
	sep := " "
	if lang == "de" {
		m, sep = shortMonths["de"], ". "
	}
	return fmt.Sprintf("%d%s%s %d, %s UTC", t.Day(), sep, m[t.Month()-1], t.Year(), t.Format("15:04"))
}

// separators returns the decimal and thousands separators of a language.
func separators(lang string) (dec, group string) {
	if lang == "de" {
		return ",", "."
	}
	return ".", ","
}

// formatNumber writes f with at most decimals places (trailing zeros
// dropped) and grouped thousands: 1250 → "1,250" / "1.250", 72.5 → "72.5" /
// "72,5".
func formatNumber(lang string, f float64, decimals int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	dec, group := separators(lang)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// formatPercent writes a percentage (72.5 means 72.5 %) with one decimal at
// most: "72.5%" in English, "72,5 %" in German (DIN 5008: a non-breaking
// space before the sign).
func formatPercent(lang string, p float64) string {
	n := formatNumber(lang, p, 1)
	if lang == "de" {
		return n + "\u00a0%"
	}
	return n + "%"
}

// toFloat accepts the numeric types templates pass.
func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case float64:
		return x
	case float32:
		return float64(x)
	case *float64:
		if x != nil {
			return *x
		}
	case *int:
		if x != nil {
			return float64(*x)
		}
	}
	return 0
}

// Num formats any number for the translator's language (also the {{.Count}}
// of plural messages).
func (lc *loc) Num(v any) string {
	switch v.(type) {
	case int, int64, *int:
		return formatNumber(lc.Lang, toFloat(v), 0)
	}
	return formatNumber(lc.Lang, toFloat(v), 1)
}
