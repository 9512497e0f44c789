package cert

import (
	"bytes"
	"fmt"
	"slices"
	"sync"

	"github.com/jung-kurt/gofpdf"
	"github.com/tdewolff/font"
)

// gofpdf parses, measures and subsets a whole TrueType font for every
// document, and hashes its width table through encoding/json: with the
// 142 KB face that was most of a certificate's render time. A certificate
// only ever shows a few dozen distinct characters in that face, so each
// document gets a font cut down to exactly those glyphs (a few KB). The full
// face is parsed once; cut fonts are kept by character set, since names
// repeat their letters and tier names repeat outright.
//
// Even a cut font cost 9 ms a certificate through gofpdf's Unicode font
// path, which builds a 65,536-entry width table, names the font by hashing
// that table through encoding/json, and writes a 128 KB CIDToGIDMap and the
// font file through two new zlib compressors on every document. So a cut
// font is handed to gofpdf as a simple TrueType font instead (fontsimple.go),
// compressed once when it is cut; the Unicode path is kept for texts with
// more distinct characters than a one-byte encoding holds.
type fontSubsetter struct {
	once   sync.Once
	face   *font.SFNT
	desc   gofpdf.FontDescType
	err    error
	mu     sync.Mutex // Subset reads shared tables; keep it to one at a time
	cache  *lru[*certFace]
	source []byte
}

func newFontSubsetter(ttf []byte) *fontSubsetter {
	return &fontSubsetter{source: ttf, cache: newLRU[*certFace](256)}
}

// certFace is the embedded font as one certificate uses it: either a simple
// font (def and z set, text encoded through codes) or, for texts with too
// many distinct characters, a cut TrueType font for gofpdf's Unicode path.
type certFace struct {
	def, z []byte        // gofpdf font definition (JSON) and zlib-compressed font file
	codes  map[rune]byte // the simple font's encoding
	ttf    []byte        // the cut font, only when there is no simple font
}

// add makes the face the document's font family/style.
func (cf *certFace) add(f *gofpdf.Fpdf, family, style string) {
	if cf.ttf != nil {
		// gofpdf writes into the font bytes it is given (it pads table
		// slices with append while subsetting): each document its own copy.
		f.AddUTF8FontFromBytes(family, style, bytes.Clone(cf.ttf))
		return
	}
	// gofpdf only reads def and z, so documents share them.
	f.AddFontFromBytes(family, style, cf.def, cf.z)
}

// encode turns s into the string to hand gofpdf for this face: one byte a
// character for the simple font, s itself for the Unicode path.
func (cf *certFace) encode(s string) string {
	if cf.ttf != nil {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, cf.codes[r]) // every rune of the texts has a code
	}
	return string(b)
}

// prepare returns the face for a certificate showing texts: a font holding
// the glyphs of their runes (plus .notdef and the space), with a cmap that
// maps the runes to them. Runes the face lacks get no glyph; they print as
// nothing visible, as they did with the full face, yet still extract as text.
func (s *fontSubsetter) prepare(texts ...string) (*certFace, error) {
	s.once.Do(func() {
		s.face, s.err = font.ParseSFNT(s.source, 0)
		if s.err == nil {
			s.desc, s.err = fontDescriptor(s.source)
		}
	})
	if s.err != nil {
		return nil, fmt.Errorf("parse certificate font: %w", s.err)
	}
	set := map[rune]bool{' ': true}
	for _, t := range texts {
		for _, r := range t {
			set[r] = true
		}
	}
	runes := make([]rune, 0, len(set))
	for r := range set {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	key := string(runes)
	if cf, ok := s.cache.get(key); ok {
		return cf, nil
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	glyphs := []uint16{0}
	seen := map[uint16]bool{0: true}
	for _, r := range runes {
		if g := s.face.GlyphIndex(r); g != 0 && !seen[g] {
			seen[g] = true
			glyphs = append(glyphs, g)
		}
	}
	sub, err := s.face.Subset(glyphs, font.SubsetOptions{Tables: font.KeepMinTables})
	if err != nil {
		return nil, fmt.Errorf("subset certificate font: %w", err)
	}
	ttf := sub.Write()
	cf := &certFace{ttf: ttf}
	if len(runes) <= simpleFontCodes {
		if cf, err = s.simpleFont(runes, ttf); err != nil {
			return nil, err
		}
	}
	s.cache.put(key, cf)
	return cf, nil
}

// fontDescriptor reads the face's descriptor (ascent, bounding box, flags
// and the like, in thousandths of an em) the way gofpdf reads it for its
// Unicode fonts, so the simple font describes the face exactly as before.
func fontDescriptor(ttf []byte) (gofpdf.FontDescType, error) {
	f := gofpdf.New(gofpdf.OrientationPortrait, gofpdf.UnitMillimeter, "A4", "")
	f.AddUTF8FontFromBytes("face", "", bytes.Clone(ttf))
	d := f.GetFontDesc("face", "")
	if err := f.Error(); err != nil {
		return d, err
	}
	if d.Ascent == 0 || d.MissingWidth == 0 { // gofpdf prints parse errors instead of returning them
		return d, fmt.Errorf("gofpdf could not read the font's metrics")
	}
	return d, nil
}

// certFont serves every Service: it depends only on the embedded face.
var certFont = newFontSubsetter(fontBold)
