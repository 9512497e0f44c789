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
