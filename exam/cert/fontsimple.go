package cert

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"math"

	"github.com/jung-kurt/gofpdf"
)

// simpleFontCodes is how many runes (the space included) a simple font can
// encode: the one-byte codes 32 to 255. The space must keep code 32, since
// gofpdf breaks lines at that byte; the other runes get 33 upwards.
const simpleFontCodes = 256 - 32

// fontDef is gofpdf's font definition file (the JSON its makefont writes)
// for a TrueType font in a one-byte encoding; field names are gofpdf's.
type fontDef struct {
	Tp           string
	Name         string
	Desc         gofpdf.FontDescType
	Up, Ut       int
	Cw           []int
	Enc          string
	Diff         string
	File         string
	OriginalSize int
}

// simpleFont turns a cut font into a simple TrueType font for gofpdf: a
// one-byte encoding of just these runes, written as a /Differences array of
// uniXXXX glyph names over WinAnsiEncoding, so readers map each code to its
// Unicode character (for drawing, through the font's Unicode cmap, and for
// copying and searching the text) without a ToUnicode map; widths for 256
// codes; and the font file compressed here, once, since gofpdf copies a
// ".z" font file into the document as it is. gofpdf then has nothing left
// to parse, subset or compress for the font on each document.
func (s *fontSubsetter) simpleFont(runes []rune, ttf []byte) (*certFace, error) {
	upem := float64(s.face.Head.UnitsPerEm)
	width := func(r rune) int {
		g := s.face.GlyphIndex(r)
		if g == 0 {
			return s.desc.MissingWidth
		}
		return int(math.Round(float64(s.face.GlyphAdvance(g)) * 1000 / upem))
	}
	cw := make([]int, 256)
	codes := make(map[rune]byte, len(runes))
	diff := []byte("32 /space")
	cw[32] = width(' ')
	codes[' '] = 32
	code := 33
	for _, r := range runes {
		if r == ' ' {
			continue
		}
		if code > 255 {
			return nil, fmt.Errorf("simple font: more than %d runes", simpleFontCodes)
		}
		codes[r] = byte(code)
		cw[code] = width(r)
		diff = append(diff, " /"...)
		diff = appendGlyphName(diff, r)
		code++
	}

	// A subset tag of six capitals, named for the character set, as PDF
	// asks of embedded subsets (ISO 32000-1, 9.6.4).
	sum := sha1.Sum([]byte(string(runes)))
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	name := string(tag) + "+DejaVuSans-Bold"

	desc := s.desc
	desc.Flags = desc.Flags&^gofpdf.FontFlagSymbolic | gofpdf.FontFlagNonsymbolic
	def, err := json.Marshal(fontDef{
		Tp: "TrueType", Name: name, Desc: desc,
		Up: int(s.face.Post.UnderlinePosition) * 1000 / int(upem), Ut: int(s.face.Post.UnderlineThickness) * 1000 / int(upem),
		Cw: cw, Enc: "custom", Diff: string(diff), File: name + ".z", OriginalSize: len(ttf),
	})
	if err != nil {
		return nil, fmt.Errorf("simple font definition: %w", err)
	}
	return &certFace{def: def, z: compress(ttf), codes: codes}, nil
}

// appendGlyphName appends the Adobe Glyph List name for r that every reader
// maps back to r: uniXXXX in the Basic Multilingual Plane, uXXXXX above.
func appendGlyphName(b []byte, r rune) []byte {
	if r > 0xFFFF {
		return fmt.Appendf(b, "u%05X", r)
	}
	return fmt.Appendf(b, "uni%04X", r)
}
