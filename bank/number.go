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
func ParseNumber(s string) (float64, error) { return parseNumber(s, "") }

// ParseNumberIn is ParseNumber for a candidate answering in a language
// ("en", "de"): the one separator followed by three digits that
// ParseNumber cannot read is read by the language's convention, so in
// German "34.000" is 34000 and "1,250" is 1.25, in English "34,000" is
// 34000 and "1.250" is 1.25. Everything ParseNumber reads, ParseNumberIn
// reads the same in every language ("1.5" is 1.5 in German too: a point not
// followed by three digits cannot be a German thousands separator), so an
// answer stored before the language counted scores the same on a regrade.
// Any other language is ParseNumber.
func ParseNumberIn(s, lang string) (float64, error) { return parseNumber(s, lang) }

// decimalSeparator is a language's decimal separator, 0 when not known.
func decimalSeparator(lang string) byte {
	switch lang {
	case "en":
		return '.'
	case "de":
		return ','
	}
	return 0
}

func parseNumber(s, lang string) (float64, error) {
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
			switch decimalSeparator(lang) {
			case 0:
				return 0, ErrNumberAmbiguous
			case s[dec]: // the language's decimal separator: as read
			default: // its thousands separator
				intPart, frac = intPart+frac, ""
			}
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
