package bank

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// Errors of ParseNumber; the caller words them for the candidate.
var (
	ErrNumberEmpty     = errors.New("no number")
	ErrNumberSyntax    = errors.New("not a number")
	ErrNumberAmbiguous = errors.New("ambiguous separator")
)

// ParseNumber reads a number as a candidate types it: spaces (also
// no-break and thin spaces) and apostrophes are thousands separators; a
// unit or sign before or after the number ("%", "days", "$", "€") is
// ignored, whatever the item's unit, since the number is what is scored;
// a comma or a point
// is the decimal separator. With both a comma and a point, the last one is
// the decimal separator; one kind used several times separates thousands.
// One separator followed by exactly three digits after 1 to 3 leading
// digits ("1,250", "2.500") means one thing in English and another in
// German, so it is ErrNumberAmbiguous rather than a silent guess that could
// cost the candidate the point.
func ParseNumber(s string) (float64, error) {
	unitLike := func(r rune) bool {
		return (unicode.IsLetter(r) || unicode.IsSymbol(r) || unicode.IsSpace(r) || r == '%' || r == '\u202f') && r != '−'
	}
	typed := strings.TrimSpace(s) != ""
	s = strings.TrimRightFunc(strings.TrimLeftFunc(s, unitLike), unitLike)
	if s == "" && typed {
		return 0, ErrNumberSyntax
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u202f' || r == '\'' || r == '’':
		case r == '−' || r == '–': // a typographic minus sign
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	s = b.String()
	if s == "" {
		return 0, ErrNumberEmpty
	}
	sign := ""
	if s[0] == '-' || s[0] == '+' {
		sign, s = s[:1], s[1:]
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != ',' && r != '.' {
			return 0, ErrNumberSyntax
		}
	}
	comma, point := strings.LastIndexByte(s, ','), strings.LastIndexByte(s, '.')
	nComma, nPoint := strings.Count(s, ","), strings.Count(s, ".")
	var intPart, frac string
	switch {
	case nComma > 0 && nPoint > 0:
		dec, thou := point, ","
		if comma > point {
			dec, thou = comma, "."
		}
		if strings.Count(s, s[dec:dec+1]) > 1 {
			return 0, ErrNumberSyntax
		}
		intPart, frac = strings.ReplaceAll(s[:dec], thou, ""), s[dec+1:]
	case nComma > 1 || nPoint > 1:
		intPart = strings.NewReplacer(",", "", ".", "").Replace(s)
	case nComma == 1 || nPoint == 1:
		dec := max(comma, point)
		intPart, frac = s[:dec], s[dec+1:]
		if len(frac) == 3 && len(intPart) >= 1 && len(intPart) <= 3 && intPart[0] != '0' {
			return 0, ErrNumberAmbiguous
		}
	default:
		intPart = s
	}
	if intPart == "" && frac == "" {
		return 0, ErrNumberSyntax
	}
	if intPart == "" {
		intPart = "0"
	}
	num := sign + intPart
	if frac != "" {
		num += "." + frac
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, ErrNumberSyntax
	}
	return v, nil
}
