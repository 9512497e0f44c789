package bank

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/mopscert/mopscert/apperr"
)

// This file holds what the three file formats share: the options and
// results of a parse, line splitting, id assignment and the final
// Normalize/Validate pass that turns field errors into line errors. Imports
// are all or nothing, so every parser collects every error it can find and
// returns items only when there are none.

// ParseOptions apply to GIFT and Aiken (YAML carries its own fields; only
// MaxItems applies to it).
type ParseOptions struct {
	SkipUnsupported bool     // GIFT: skip question types the bank does not hold, listing them, instead of refusing the file
	Tiers           []string // tiers given to every imported item (GIFT/Aiken have none)
	Domain          Domain   // domain for questions whose $CATEGORY does not name one; empty means concepts
	Status          Status   // status of imported items; empty means draft
	MaxItems        int      // 0 = no cap; more items than this is one error
}

// Parsed is an item read from a file and the line (from 1) where it starts.
type Parsed struct {
	Item Item
	Line int
	// Name is the id the file itself gave the question (a YAML id, a GIFT
	// ::title:: or // @id, an Aiken ID: line), "" when it was made up from
	// the text. An import into another language matches items by it.
	Name string
}

// Skipped is a question left out, and why.
type Skipped struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// checkOptions rejects options that are wrong whatever the file holds. They
// come from the query string, not the file, so they are field errors.
func checkOptions(opt ParseOptions) error {
	f := map[string]string{}
	if opt.Domain != "" && !opt.Domain.Valid() {
		f["domain"] = "Use concepts, tools or soft_skills."
	}
	if opt.Status != "" && !opt.Status.Valid() {
		f["status"] = "Use draft, review, active, retired or void."
	}
	for _, t := range opt.Tiers {
		if !tierRe.MatchString(strings.TrimSpace(t)) {
			f["tiers"] = fmt.Sprintf("%q is not a tier code: use lower-case letters, digits, - or _.", t)
			break
		}
	}
	if opt.MaxItems < 0 {
		f["max_items"] = "Use 0 (no limit) or a positive number."
	}
	if len(f) > 0 {
		return apperr.Fielded(f)
	}
	return nil
}

// MaxReportedErrors is how many line errors an import reports; the rest are
// counted (more_lines). A 32 MB file of junk would otherwise answer with
// hundreds of megabytes of messages.
const MaxReportedErrors = 100

// lineErrors collects the errors of one file: the first MaxReportedErrors in
// the order found (the parsers walk the file top to bottom) and a count of
// the rest.
type lineErrors struct {
	lines []apperr.Line
	more  int
}

func (e *lineErrors) add(line int, format string, args ...any) {
	e.addMsg(line, apperr.Msg{Message: fmt.Sprintf(format, args...)})
}

// addMsg reports m, a message with a code, at line.
func (e *lineErrors) addMsg(line int, m apperr.Msg) {
	if len(e.lines) >= MaxReportedErrors {
		e.more++
		return
	}
	if line < 1 {
		line = 1
	}
	e.lines = append(e.lines, m.At(line))
}

// len is how many errors were found, reported or not.
func (e *lineErrors) len() int { return len(e.lines) + e.more }

// full says no more errors will be reported, so a parser may stop looking.
func (e *lineErrors) full() bool { return len(e.lines) >= MaxReportedErrors }

// err returns the collected errors ordered by line, or nil.
func (e *lineErrors) err() error {
	if e.len() == 0 {
		return nil
	}
	lines := append([]apperr.Line(nil), e.lines...)
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].Line < lines[j].Line })
	return linedErr(lines, e.more)
}

// linedErr is the import_failed error for lines, naming how many more errors
// were left out.
func linedErr(lines []apperr.Line, more int) error {
	err := apperr.Lined(lines)
	if more > 0 {
		return err.With("more_lines", more)
	}
	return err
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// cleanText checks that data is UTF-8 text and drops a byte-order mark.
// Line numbers are unaffected: the mark sits before the first line.
func cleanText(data []byte) ([]byte, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, apperr.Lined([]apperr.Line{codeImportUTF16.Msg("the file is UTF-16 text; save it as UTF-8 and import it again").At(1)})
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		line := 1
		for len(data) > 0 {
			r, n := utf8.DecodeRune(data)
			if r == utf8.RuneError && n <= 1 {
				break
			}
			if r == '\n' {
				line++
			}
			data = data[n:]
		}
		return nil, apperr.Lined([]apperr.Line{codeImportNotUTF8.Msg("the file is not UTF-8 text (this line holds a byte that is not UTF-8); save it as UTF-8 and import it again").At(line)})
	}
	// Control characters have no place in question text, and some (NUL,
	// vertical tab) are blank space to Moodle but not to Markdown.
	if i := bytes.IndexFunc(data, func(r rune) bool {
		return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7F
	}); i >= 0 {
		line := 1 + bytes.Count(data[:i], []byte("\n"))
		return nil, apperr.Lined([]apperr.Line{codeImportControlChar.Msg("this line holds the control character U+%s; is this a text file?", fmt.Sprintf("%04X", data[i])).At(line)})
	}
	return data, nil
}

// splitLines returns the lines of a text file without their line endings:
// LF, CRLF, or (old Mac files, which Moodle also reads) CR alone.
func splitLines(data []byte) ([]string, error) {
	data, err := cleanText(data)
	if err != nil {
		return nil, err
	}
	s := string(data)
	if !strings.Contains(s, "\n") && strings.Contains(s, "\r") {
		return strings.Split(s, "\r"), nil
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines, nil
}

// draft is an item being read, with where its parts came from.
type draft struct {
	item     Item
	line     int             // where the item starts
	explicit bool            // item.ID was given in the file; repeats are errors
	title    string          // GIFT question name: the id when none is given
	lines    map[string]int  // field (as Validate names it) → line
	bad      map[string]bool // fields already reported while reading
	unit     string          // GIFT: a numeric item's @unit, read before its answer
}

func newDraft(line int) *draft {
	return &draft{line: line, lines: map[string]int{}, bad: map[string]bool{}}
}

// lineOf returns the line for a field Validate names, falling back from
// "options[1].text" to "options[1]", "options" and the item's first line.
func (d *draft) lineOf(field string) int {
	for f := field; f != ""; {
		if l, ok := d.lines[f]; ok {
			return l
		}
		if i := strings.LastIndexAny(f, ".["); i > 0 {
			f = f[:i]
		} else {
			break
		}
	}
	return d.line
}

// reported says whether a field, a field it belongs to or one of its parts
// already has an error from reading; validation would only repeat it.
func (d *draft) reported(field string) bool {
	for b := range d.bad {
		if strings.HasPrefix(b, field+"[") || strings.HasPrefix(b, field+".") {
			return true
		}
	}
	for f := field; f != ""; {
		if d.bad[f] {
			return true
		}
		if i := strings.LastIndexAny(f, ".["); i > 0 {
			f = f[:i]
		} else {
			break
		}
	}
	return false
}

// finishDrafts gives ids to the items that have none, checks ids are not
// repeated, normalizes and validates every item and applies the item cap.
// It reports into errs; the result is only meaningful when errs is empty.
func finishDrafts(ds []*draft, opt ParseOptions, errs *lineErrors) []Parsed {
	used := map[string]int{}
	for _, d := range ds {
		d.item.Normalize()
		if !d.explicit || d.item.ID == "" {
			continue
		}
		if first, ok := used[d.item.ID]; ok {
			errs.addMsg(d.lineOf("id"), codeImportDuplicateID.Msg("id %q is already used by the item on line %d", d.item.ID, first))
			d.bad["id"] = true
			continue
		}
		used[d.item.ID] = d.line
	}
	next := map[string]int{}
	for _, d := range ds {
		if d.item.ID != "" {
			continue
		}
		id := uniqueID(baseID(d), used, next)
		used[id] = d.line
		d.item.ID = id
	}
	out := make([]Parsed, 0, len(ds))
	for _, d := range ds {
		if d.item.Tiers == nil {
			d.item.Tiers = []string{}
		}
		if d.item.Options == nil {
			d.item.Options = []Option{}
		}
		if err := d.item.Validate(); err != nil {
			ae, ok := apperr.As(err)
			if !ok {
				errs.add(d.line, "%v", err)
				continue
			}
			fields := make([]string, 0, len(ae.Fields))
			for f := range ae.Fields {
				fields = append(fields, f)
			}
			sort.Strings(fields)
			for _, f := range fields {
				if !d.reported(f) {
					errs.add(d.lineOf(f), "%s: %s", f, ae.Fields[f])
				}
			}
		}
		name := ""
		switch {
		case d.explicit:
			name = d.item.ID
		case d.title != "" && ValidID(d.title):
			name = d.title
		}
		out = append(out, Parsed{Item: d.item, Line: d.line, Name: name})
	}
	if opt.MaxItems > 0 && len(ds) > opt.MaxItems {
		errs.addMsg(ds[opt.MaxItems].line, codeImportTooMany.Msg("the file holds %d questions; import at most %d at a time (this is question %d)", len(ds), opt.MaxItems, opt.MaxItems+1))
	}
	return out
}

// baseID is the id an item gets when the file gives none: its GIFT name, or
// else the first words of its stem, as a slug.
func baseID(d *draft) string {
	var s string
	if d.title != "" {
		if ValidID(d.title) {
			return d.title
		}
		s = slugWords(d.title, 0)
	}
	if s == "" {
		s = slugWords(d.item.Stem, 6)
	}
	if !ValidID(s) {
		if s == "" {
			return "item"
		}
		s = "item-" + s
	}
	return s
}

// uniqueID returns base, or base-2, base-3… whichever is not used yet.
// next remembers, per base, where to go on counting: a file of a thousand
// questions named alike must not take a million tries.
func uniqueID(base string, used, next map[string]int) string {
	if _, ok := used[base]; !ok {
		return base
	}
	for n := max(next[base], 2); ; n++ {
		suffix := "-" + strconv.Itoa(n)
		b := base
		if len(b)+len(suffix) > 80 {
			b = strings.TrimRight(b[:80-len(suffix)], "-")
		}
		if _, ok := used[b+suffix]; !ok {
			next[base] = n + 1
			return b + suffix
		}
	}
}

var htmlTagRe = regexp.MustCompile(`<[^>]*>`)

// slugWords slugs the first n words (all when n is 0) of a text that may
// hold HTML or Markdown, folding accents so "Défaut" gives "defaut".
func slugWords(s string, n int) string {
	s = html.UnescapeString(htmlTagRe.ReplaceAllString(s, " "))
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	w := strings.Fields(b.String())
	if n > 0 && len(w) > n {
		w = w[:n]
	}
	return Slug(strings.Join(w, " "))
}

// withDefaults fills what GIFT and Aiken files do not say with the options.
func withDefaults(it *Item, opt ParseOptions) {
	it.Domain = Concepts
	if opt.Domain != "" {
		it.Domain = opt.Domain
	}
	it.Status = opt.Status
	it.Tiers = append([]string(nil), opt.Tiers...)
}

// finishFile ends every parser: finishDrafts, then "no questions" for a
// file that held none (and skipped none), then the errors or the items.
func finishFile(ds []*draft, skipped int, opt ParseOptions, errs *lineErrors) ([]Parsed, error) {
	parsed := finishDrafts(ds, opt, errs)
	if len(ds) == 0 && skipped == 0 && errs.len() == 0 {
		errs.addMsg(1, codeImportEmpty.Msg("the file holds no questions"))
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return parsed, nil
}
