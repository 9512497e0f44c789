package cert

import (
	"fmt"
	"slices"
	"sync"

	"github.com/tdewolff/font"
)

// gofpdf parses, measures and subsets a whole TrueType font for every
// document, and hashes its width table through encoding/json: with the
// 142 KB face that was most of a certificate's render time. A certificate
// only ever shows a few dozen distinct characters in that face, so each
// document gets a font cut down to exactly those glyphs (a few KB), which
// gofpdf handles in a fraction of the time. The full face is parsed once;
// subsets are kept by character set, since names repeat their letters and
// tier names repeat outright.
type fontSubsetter struct {
	once   sync.Once
	face   *font.SFNT
	err    error
	mu     sync.Mutex // Subset reads shared tables; keep it to one at a time
	cache  *lru[[]byte]
	source []byte
}

func newFontSubsetter(ttf []byte) *fontSubsetter {
	return &fontSubsetter{source: ttf, cache: newLRU[[]byte](256)}
}

// subset returns a TrueType font holding the glyphs of the runes in texts
// (plus .notdef and the space), with a cmap that maps the runes to them.
// Runes the face lacks are left out; gofpdf then draws nothing for them, as
// it would with the full face.
func (s *fontSubsetter) subset(texts ...string) ([]byte, error) {
	s.once.Do(func() {
		s.face, s.err = font.ParseSFNT(s.source, 0)
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
	if b, ok := s.cache.get(key); ok {
		return b, nil
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
	b := sub.Write()
	s.cache.put(key, b)
	return b, nil
}

// certFont serves every Service: it depends only on the embedded face.
var certFont = newFontSubsetter(fontBold)
