package bank

import (
	"errors"
	"testing"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		err  error
	}{
		{"13.3", 13.3, nil},
		{"13,3", 13.3, nil},
		{" 13,3 % ", 13.3, nil},
		{"13.3%", 13.3, nil},
		{"-4.5", -4.5, nil},
		{"−4,5", -4.5, nil},
		{"+7", 7, nil},
		{"1,250,000", 1250000, nil},
		{"1.250.000", 1250000, nil},
		{"1 250 000", 1250000, nil},
		{"1\u202f250", 1250, nil},
		{"1'250.5", 1250.5, nil},
		{"1,250.75", 1250.75, nil},
		{"1.250,75", 1250.75, nil},
		{"0,125", 0.125, nil},
		{".5", 0.5, nil},
		{"12 days", 12, nil},
		{"12 DAYS", 12, nil},
		{"42", 42, nil},
		{"1,250", 0, ErrNumberAmbiguous},
		{"2.500", 0, ErrNumberAmbiguous},
		{"", 0, ErrNumberEmpty},
		{"   ", 0, ErrNumberEmpty},
		{"abc", 0, ErrNumberSyntax},
		{"1e5", 0, ErrNumberSyntax},
		{"1.2.3,4,5", 0, ErrNumberSyntax},
		{"$1,200.50", 1200.5, nil},
		{"1 200 €", 1200, nil},
		{"12 d4ys", 0, ErrNumberSyntax},
		{",", 0, ErrNumberSyntax},
		{"NaN", 0, ErrNumberSyntax},
		{"Inf", 0, ErrNumberSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseNumber(tt.in)
			if !errors.Is(err, tt.err) || (err == nil && got != tt.want) {
				t.Errorf("ParseNumber(%q) = %v, %v; want %v, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

// TestParseNumberIn covers the shapes a language decides and those it does
// not change.
func TestParseNumberIn(t *testing.T) {
	tests := []struct {
		in, lang string
		want     float64
		err      error
	}{
		// The ambiguous shape, by the language's convention.
		{"34.000", "de", 34000, nil},
		{"34,000", "de", 34, nil},
		{"1,250", "de", 1.25, nil},
		{"2.500 €", "de", 2500, nil},
		{"-1.250", "de", -1250, nil},
		{"34,000", "en", 34000, nil},
		{"34.000", "en", 34, nil},
		{"1.250", "en", 1.25, nil},
		{"$1,250", "en", 1250, nil},
		// Unambiguous already: the same in both languages.
		{"72,5", "de", 72.5, nil},
		{"72,5", "en", 72.5, nil},
		{"72.5", "de", 72.5, nil},
		{"1.5", "de", 1.5, nil},
		{"1,5", "en", 1.5, nil},
		{"0,125", "en", 0.125, nil},
		{"0.125", "de", 0.125, nil},
		{"1234.567", "de", 1234.567, nil},
		{"1.250,75", "de", 1250.75, nil},
		{"1,250.75", "de", 1250.75, nil},
		{"1.250.000", "en", 1250000, nil},
		{"1,250,000", "de", 1250000, nil},
		{"1 250", "de", 1250, nil},
		// Without a known language the shape stays ambiguous.
		{"34.000", "", 0, ErrNumberAmbiguous},
		{"1,250", "fr", 0, ErrNumberAmbiguous},
		// Errors stay errors.
		{"", "de", 0, ErrNumberEmpty},
		{"abc", "en", 0, ErrNumberSyntax},
		{"1.2.3,4,5", "de", 0, ErrNumberSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.in, func(t *testing.T) {
			got, err := ParseNumberIn(tt.in, tt.lang)
			if !errors.Is(err, tt.err) || (err == nil && got != tt.want) {
				t.Fatalf("ParseNumberIn(%q, %q) = %v, %v; want %v, %v", tt.in, tt.lang, got, err, tt.want, tt.err)
			}
		})
	}
}

// TestParseNumberInKeepsNeutral: whatever ParseNumber reads, every language
// reads the same, so answers stored before languages counted regrade alike.
func TestParseNumberInKeepsNeutral(t *testing.T) {
	parts := []string{"", "0", "1", "12", "125", "1250", ",", ".", " ", "'", "-", "%", "€"}
	var walk func(prefix string, depth int)
	checked := 0
	walk = func(prefix string, depth int) {
		if depth == 0 {
			want, werr := ParseNumber(prefix)
			if werr != nil {
				return
			}
			for _, lang := range []string{"en", "de"} {
				got, err := ParseNumberIn(prefix, lang)
				if err != nil || got != want {
					t.Errorf("ParseNumberIn(%q, %q) = %v, %v; ParseNumber reads %v", prefix, lang, got, err, want)
				}
			}
			checked++
			return
		}
		for _, p := range parts {
			walk(prefix+p, depth-1)
		}
	}
	walk("", 4)
	if checked < 1000 {
		t.Fatalf("only %d strings were numbers; the walk is too small to mean anything", checked)
	}
}
