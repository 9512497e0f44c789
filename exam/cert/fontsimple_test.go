package cert

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"unicode"

	"github.com/jung-kurt/gofpdf"
)

// testTier is the tier name of request().
const testTier = "MOps Practitioner"

// letters returns up to n letters from Latin Extended-A, Greek and Cyrillic
// (all in the face) that are not in avoid, each once.
func letters(n int, avoid string) []rune {
	var b []rune
	for _, span := range [][2]rune{{0x100, 0x17F}, {0x391, 0x3A9}, {0x3B1, 0x3C9}, {0x410, 0x44F}} {
		for r := span[0]; r <= span[1] && len(b) < n; r++ {
			if unicode.IsLetter(r) && !strings.ContainsRune(avoid, r) && certFont.face.GlyphIndex(r) != 0 {
				b = append(b, r)
			}
		}
	}
	return b
}

// words puts a space after every eleventh letter, so the text wraps.
func words(rs []rune) string {
	var b []rune
	for i, r := range rs {
		if i > 0 && i%11 == 0 {
			b = append(b, ' ')
		}
		b = append(b, r)
	}
	return string(b)
}

// manyLetters returns a holder name and a tier name, each within what
// IssueTx accepts, that bring the certificate's embedded text to exactly
// size distinct characters.
func manyLetters(tb testing.TB, size int) (holder, tier string) {
	tb.Helper()
	if _, err := certFont.prepare("warm up"); err != nil {
		tb.Fatal(err)
	}
	need := size - runeCount(productName, testTier)
	ls := letters(need, productName+testTier)
	if len(ls) != need {
		tb.Fatalf("the face has %d spare letters, not %d", len(ls), need)
	}
	split := min(need, 180)
	holder, tier = words(ls[:split]), testTier
	if split < need {
		tier += " " + words(ls[split:])
	}
	if got := runeCount(productName, holder, tier); got != size {
		tb.Fatalf("made %d characters, want %d", got, size)
	}
	if len([]rune(holder)) > maxNameRunes || len([]rune(tier)) > maxNameRunes {
		tb.Fatalf("names too long for IssueTx: %d and %d runes", len([]rune(holder)), len([]rune(tier)))
	}
	return holder, tier
}

// runeCount is the size of the character set prepare builds for texts.
func runeCount(texts ...string) int {
	set := map[rune]bool{' ': true}
	for _, t := range texts {
		for _, r := range t {
			set[r] = true
		}
	}
	return len(set)
}

// TestCertFaceKind: a certificate's embedded text goes through a simple
// font up to 224 distinct characters (codes 32 to 255) and through gofpdf's
// Unicode font beyond, where a one-byte encoding cannot hold it.
func TestCertFaceKind(t *testing.T) {
	full, fullTier := manyLetters(t, simpleFontCodes)
	over, overTier := manyLetters(t, simpleFontCodes+1)
	for _, tt := range []struct {
		name, holder, tier string
		simple             bool
	}{
		{"Latin", "Zoë Ångström", testTier, true},
		{"Greek", "Αλέξανδρος Παπαδόπουλος", testTier, true},
		{"NotInFace", "王小明 Smith", testTier, true},
		{"LongestName", words(letters(maxNameRunes*11/12, productName+testTier)), testTier, true},
		{"Full", full, fullTier, true},
		{"OneTooMany", over, overTier, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cf, err := certFont.prepare(productName, tt.holder, tt.tier)
			if err != nil {
				t.Fatal(err)
			}
			if got := cf.ttf == nil; got != tt.simple {
				t.Fatalf("simple font = %v for %d characters, want %v", got, runeCount(productName, tt.holder, tt.tier), tt.simple)
			}
			if !tt.simple {
				if got := cf.encode(tt.holder); got != tt.holder {
					t.Errorf("the Unicode path changed the text to %q", got)
				}
				return
			}
			// Each character its own code; the space keeps 32 for line breaks.
			seen := map[byte]rune{}
			for _, text := range []string{productName, tt.holder, tt.tier} {
				enc := cf.encode(text)
				if len(enc) != len([]rune(text)) {
					t.Fatalf("encoded %q to %d bytes", text, len(enc))
				}
				for i, r := range []rune(text) {
					c := enc[i]
					if (r == ' ') != (c == ' ') || c < 32 {
						t.Errorf("%q encoded as code %d", r, c)
					}
					if prev, ok := seen[c]; ok && prev != r {
						t.Errorf("code %d stands for both %q and %q", c, prev, r)
					}
					seen[c] = r
				}
			}
		})
	}
}

// TestSimpleFontWidths: the simple font measures text exactly as gofpdf's
// Unicode font of the whole face did, so names wrap and shrink as before.
func TestSimpleFontWidths(t *testing.T) {
	unicodeDoc := gofpdf.New(gofpdf.OrientationLandscape, gofpdf.UnitMillimeter, "A4", "")
	unicodeDoc.AddUTF8FontFromBytes("full", "B", bytes.Clone(fontBold))
	unicodeDoc.SetFont("full", "B", 32)
	for _, s := range []string{
		"Zoë Ångström", "Αλέξανδρος Παπαδόπουλος", "Наталья Иванова", "Łukasz Żółć-Nguyễn Đăng",
		productName, testTier, words(letters(150, "")),
	} {
		cf, err := certFont.prepare(s)
		if err != nil {
			t.Fatal(err)
		}
		if cf.ttf != nil {
			t.Fatalf("%q went through the Unicode path", s)
		}
		doc := gofpdf.New(gofpdf.OrientationLandscape, gofpdf.UnitMillimeter, "A4", "")
		cf.add(doc, fontFamily, "B")
		doc.SetFont(fontFamily, "B", 32)
		got, want := doc.GetStringWidth(cf.encode(s)), unicodeDoc.GetStringWidth(s)
		if err := doc.Error(); err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-9 || want == 0 {
			t.Errorf("%q is %.4f mm wide in the simple font, %.4f mm in the Unicode font", s, got, want)
		}
	}
}
