package cert

import (
	"bytes"
	"strings"
	"testing"
)

// fourMB pads a small PDF body to 4 MiB with unit repeated.
func fourMB(unit string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	for b.Len() < 4<<20 {
		b.WriteString(unit)
	}
	return b.Bytes()
}

// The crafted file is every '<' with no '>' after it: before the fix each one
// cost a 16 KB scan, 17 times the time of a normal file of the same size.
func BenchmarkPDFTokens(b *testing.B) {
	for _, bm := range []struct {
		name string
		pdf  []byte
	}{
		{"Normal4MB", fourMB("0.5 0 0 0.5 10 10 cm /Im1 Do q 1 0 0 1 72 700 Tm (Certificate) Tj Q\n")},
		{"CraftedLT4MB", fourMB("<a")},
		{"CraftedHexRun4MB", fourMB("<" + strings.Repeat("0", 1000))},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(bm.pdf)))
			for b.Loop() {
				if got := pdfTokens(bm.pdf); len(got) != 0 {
					b.Fatalf("found %d tokens in filler", len(got))
				}
			}
		})
	}
}

func TestScanHexStrings(t *testing.T) {
	tok := "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln"
	for _, tt := range []struct {
		name string
		in   string
		want int
	}{
		{"OKBytes", "<" + hexOf(tok) + ">", 1},
		{"OKAfterUnclosedJunk", strings.Repeat("<a", 100) + " <" + hexOf(tok) + ">", 1},
		{"OKWithWhitespace", "<" + hexOf(tok)[:10] + "\n " + hexOf(tok)[10:] + ">", 1},
		{"OKAfterDictionary", "<< /K <" + hexOf(tok) + "> >>", 1},
		{"ErrTooLong", "<" + strings.Repeat("20", 4*maxTokenLen) + hexOf(tok) + ">", 0},
		{"ErrNotHex", "<" + hexOf(tok) + "zz>", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var f tokenFinder
			f.scanHexStrings([]byte(tt.in))
			if got := len(f.found); got != tt.want {
				t.Fatalf("found %d tokens %q, want %d", got, f.found, tt.want)
			}
			if tt.want == 1 && f.found[0] != tok {
				t.Fatalf("found %q, want %q", f.found[0], tok)
			}
		})
	}
}

func hexOf(s string) string {
	const digits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(digits[s[i]>>4])
		b.WriteByte(digits[s[i]&15])
	}
	return b.String()
}
