package cert

import (
	"regexp"
	"strings"
	"testing"
)

var idPattern = regexp.MustCompile(`^MOPS-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		id := NewID()
		if !idPattern.MatchString(id) {
			t.Fatalf("NewID() = %q, not MOPS-XXXX-XXXX-XXXX in Crockford base32", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
		if got, err := ParseID(id); err != nil || got != id {
			t.Fatalf("ParseID(%q) = %q, %v; want it unchanged", id, got, err)
		}
	}
	// Every symbol position uses the whole alphabet (the bits are spread).
	for pos := 5; pos < idLen; pos++ {
		if pos == 9 || pos == 14 {
			continue
		}
		syms := map[byte]bool{}
		for id := range seen {
			syms[id[pos]] = true
		}
		if len(syms) != len(crockford) {
			t.Errorf("position %d uses %d of %d symbols", pos, len(syms), len(crockford))
		}
	}
}

func TestParseID(t *testing.T) {
	const want = "MOPS-7K2D-9QXH-M4TB"
	for _, tt := range []struct{ name, in string }{
		{"OK", "MOPS-7K2D-9QXH-M4TB"},
		{"OKLowerCase", "mops-7k2d-9qxh-m4tb"},
		{"OKNoDashes", "MOPS7K2D9QXHM4TB"},
		{"OKSpaces", "  mops 7k2d 9qxh m4tb "},
		{"OKNoPrefix", "7K2D-9QXH-M4TB"},
		{"OKNoPrefixNoDashes", "7k2d9qxhm4tb"},
		{"OKExtraDashes", "MOPS--7K2D-9Q-XH-M4TB"},
		{"OKEnDash", "MOPS–7K2D–9QXH–M4TB"},
		{"OKZeroInPrefix", "M0PS-7K2D-9QXH-M4TB"},
		{"OKUnderscores", "mops_7k2d_9qxh_m4tb"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ParseID(tt.in); err != nil || got != want {
				t.Errorf("ParseID(%q) = %q, %v; want %q", tt.in, got, err, want)
			}
		})
	}
	// Crockford's look-alikes: O reads as 0, I and L as 1.
	for _, tt := range []struct{ name, in, want string }{
		{"OKLetterO", "mops-oooo-1111-0000", "MOPS-0000-1111-0000"},
		{"OKLetterI", "MOPS-IIII-AAAA-BBBB", "MOPS-1111-AAAA-BBBB"},
		{"OKLetterL", "mops-llll-aaaa-bbbb", "MOPS-1111-AAAA-BBBB"},
		{"OKMixed", "MOPS-0OIL-1il0-abcd", "MOPS-0011-1110-ABCD"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ParseID(tt.in); err != nil || got != tt.want {
				t.Errorf("ParseID(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	for _, tt := range []struct{ name, in string }{
		{"ErrEmpty", ""},
		{"ErrLetterU", "MOPS-7K2D-9QXH-M4TU"},
		{"ErrWrongPrefix", "MAPS-7K2D-9QXH-M4TB"},
		{"ErrTooShort", "MOPS-7K2D-9QXH-M4T"},
		{"ErrTooLong", "MOPS-7K2D-9QXH-M4TBB"},
		{"ErrPunctuation", "MOPS-7K2D-9QXH-M4T!"},
		{"ErrNonASCII", "MOPS-7K2D-9QXH-M4TÄ"},
		{"ErrHuge", strings.Repeat("-", 100) + "7K2D9QXHM4TB"},
		{"ErrSQL", "' OR 1=1 --"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ParseID(tt.in); err == nil {
				t.Errorf("ParseID(%q) = %q, want an error", tt.in, got)
			}
		})
	}
}
