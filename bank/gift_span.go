package bank

import (
	"strings"
)

// gspan is question text after GIFT escapes are resolved: each rune knows
// whether it was escaped (and so is never markup) and its line in the file.
type gspan struct {
	r   []rune
	esc []bool
	ln  []int
	at  int // the line of an empty span
}

// newGspan joins lines with \n, as Moodle does, and resolves escapes.
func newGspan(lines []giftLine) gspan {
	var s gspan
	if len(lines) > 0 {
		s.at = lines[0].n
	}
	for i, l := range lines {
		if i > 0 {
			s.push('\n', false, lines[i-1].n)
		}
		r := []rune(l.text)
		for j := 0; j < len(r); j++ {
			if r[j] == '\\' && j+1 < len(r) {
				switch c := r[j+1]; c {
				case '\\', ':', '#', '=', '{', '}', '~':
					s.push(c, true, l.n)
					j++
					continue
				case 'n':
					s.push('\n', true, l.n)
					j++
					continue
				}
			}
			s.push(r[j], false, l.n)
		}
	}
	return s
}

func (s *gspan) push(r rune, esc bool, line int) {
	s.r, s.esc, s.ln = append(s.r, r), append(s.esc, esc), append(s.ln, line)
}

func literalGspan(text string, line int) gspan {
	var s gspan
	s.at = line
	for _, r := range text {
		s.push(r, true, line)
	}
	return s
}

func joinGspans(parts ...gspan) gspan {
	var s gspan
	if len(parts) > 0 {
		s.at = parts[0].at
	}
	for _, p := range parts {
		s.r, s.esc, s.ln = append(s.r, p.r...), append(s.esc, p.esc...), append(s.ln, p.ln...)
	}
	return s
}

func (s gspan) len() int { return len(s.r) }

// line is where the span starts.
func (s gspan) line() int {
	if len(s.ln) > 0 {
		return s.ln[0]
	}
	return s.at
}

func (s gspan) sub(i, j int) gspan {
	at := s.at
	switch {
	case i < len(s.ln):
		at = s.ln[i]
	case len(s.ln) > 0:
		at = s.ln[len(s.ln)-1]
	}
	return gspan{r: s.r[i:j], esc: s.esc[i:j], ln: s.ln[i:j], at: at}
}

// trim drops unescaped blank space at both ends (PHP's trim).
func (s gspan) trim() gspan {
	space := func(i int) bool { return !s.esc[i] && strings.ContainsRune(phpSpace, s.r[i]) }
	i, j := 0, len(s.r)
	for i < j && space(i) {
		i++
	}
	for j > i && space(j-1) {
		j--
	}
	return s.sub(i, j)
}

// at reports whether the unescaped pattern starts at i.
func (s gspan) match(i int, pat []rune) bool {
	if i+len(pat) > len(s.r) {
		return false
	}
	for k, c := range pat {
		if s.r[i+k] != c || s.esc[i+k] {
			return false
		}
	}
	return true
}

func (s gspan) index(pat string) int {
	p := []rune(pat)
	for i := 0; i+len(p) <= len(s.r); i++ {
		if s.match(i, p) {
			return i
		}
	}
	return -1
}

func (s gspan) lastIndex(pat string) int {
	p := []rune(pat)
	for i := len(s.r) - len(p); i >= 0; i-- {
		if s.match(i, p) {
			return i
		}
	}
	return -1
}

func (s gspan) hasPrefix(pat string) bool { return s.match(0, []rune(pat)) }

// splitN splits at unescaped sep into at most n parts (PHP's explode).
func (s gspan) splitN(sep rune, n int) []gspan {
	var out []gspan
	from := 0
	for i := 0; i < len(s.r) && len(out) < n-1; i++ {
		if s.r[i] == sep && !s.esc[i] {
			out = append(out, s.sub(from, i))
			from = i + 1
		}
	}
	return append(out, s.sub(from, len(s.r)))
}

func (s gspan) String() string { return string(s.r) }
