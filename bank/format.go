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

	xhtml "golang.org/x/net/html"
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

// lineErrors collects the errors of one file.
type lineErrors []apperr.Line

func (e *lineErrors) add(line int, format string, args ...any) {
	if line < 1 {
		line = 1
	}
	*e = append(*e, apperr.Line{Line: line, Message: fmt.Sprintf(format, args...)})
}

// err returns the collected errors ordered by line, or nil.
func (e lineErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	lines := append([]apperr.Line(nil), e...)
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].Line < lines[j].Line })
	return apperr.Lined(lines)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// cleanText checks that data is UTF-8 text and drops a byte-order mark.
// Line numbers are unaffected: the mark sits before the first line.
func cleanText(data []byte) ([]byte, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, apperr.Lined([]apperr.Line{{Line: 1, Message: "the file is UTF-16 text; save it as UTF-8 and import it again"}})
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
		return nil, apperr.Lined([]apperr.Line{{Line: line, Message: "the file is not UTF-8 text (this line holds a byte that is not UTF-8); save it as UTF-8 and import it again"}})
	}
	// Control characters have no place in question text, and some (NUL,
	// vertical tab) are blank space to Moodle but not to Markdown.
	if i := bytes.IndexFunc(data, func(r rune) bool {
		return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7F
	}); i >= 0 {
		line := 1 + bytes.Count(data[:i], []byte("\n"))
		return nil, apperr.Lined([]apperr.Line{{Line: line, Message: fmt.Sprintf("this line holds the control character U+%04X; is this a text file?", data[i])}})
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
			errs.add(d.lineOf("id"), "id %q is already used by the item on line %d", d.item.ID, first)
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
		out = append(out, Parsed{Item: d.item, Line: d.line})
	}
	if opt.MaxItems > 0 && len(ds) > opt.MaxItems {
		errs.add(ds[opt.MaxItems].line, "the file holds %d questions; import at most %d at a time (this is question %d)", len(ds), opt.MaxItems, opt.MaxItems+1)
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

// noQuestions is the error for a file with nothing in it to import.
func noQuestions(errs *lineErrors) { errs.add(1, "the file holds no questions") }

// Item text is Markdown, rendered in goldmark's safe mode, which drops raw
// HTML. Text that arrives as plain text (Aiken, GIFT [plain]) is escaped so
// that it shows literally; text that arrives as HTML (GIFT [html], the
// format of every Moodle export) is converted, or it would not show at all.

var (
	mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
		"<", `\<`, ">", `\>`, "&", `\&`, "~", `\~`, "|", `\|`)
	// What would start a heading, list, setext underline or thematic
	// break at the beginning of a line.
	mdLineStartRe = regexp.MustCompile(`^([#+=-]|\d{1,9}[.)])`)
)

// plainToMarkdown returns Markdown that renders as the plain text s.
func plainToMarkdown(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = mdLineStart(mdEscaper.Replace(strings.TrimLeft(l, " \t")))
	}
	return strings.Join(lines, "\n")
}

// mdLineStart escapes the block marker a line starts with, if any.
func mdLineStart(l string) string {
	m := mdLineStartRe.FindStringIndex(l)
	if m == nil {
		return l
	}
	return l[:m[1]-1] + `\` + l[m[1]-1:]
}

// looksLikeHTML reports whether text in Moodle's own format holds tags.
var looksLikeHTMLRe = regexp.MustCompile(`<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--)`)

func looksLikeHTML(s string) bool { return looksLikeHTMLRe.MatchString(s) }

// htmlToMarkdown converts the HTML of question text into Markdown: blocks,
// line breaks, lists, emphasis, code, links and web images are kept; styles,
// scripts and unknown tags are dropped, keeping their text. Images stored
// inside Moodle (@@PLUGINFILE@@) cannot travel in a GIFT file: their alt
// text stays.
func htmlToMarkdown(src string) string {
	z := xhtml.NewTokenizer(strings.NewReader(src))
	c := &mdConv{}
	for {
		switch tt := z.Next(); tt {
		case xhtml.ErrorToken:
			return c.result()
		case xhtml.TextToken:
			c.text(string(z.Text()))
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, more := z.TagName()
			attrs := map[string]string{}
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			c.start(string(name), attrs)
			if tt == xhtml.SelfClosingTagToken {
				c.end(string(name))
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			c.end(string(name))
		}
	}
}

type mdConv struct {
	out     []byte
	lineAt  int // where the current line's text starts (after indentation or a marker)
	marker  int // just after the last list marker or heading prefix written
	skip    int // inside script, style…
	pre     int
	code    int
	lists   []mdList
	links   []mdLink
	emph    []mdEmph
	pending int            // emph[pending:] are open but not written yet
	open    map[string]int // open emphasis by marker
}

type mdList struct {
	ordered bool
	n       int
	base    string // before each item's marker
	content string // before the continuation lines of the current item
}

type mdLink struct {
	href  string
	start int
}

type mdEmph struct {
	kind   string // **, * or ~~
	marker string // what is written: kind, or nothing inside the same kind
}

func (c *mdConv) atLineStart() bool {
	return len(c.out) == 0 || c.out[len(c.out)-1] == '\n' || len(c.out) == c.lineAt
}

// atLinkStart reports whether the text of a link starts here.
func (c *mdConv) atLinkStart() bool {
	n := len(c.links)
	return n > 0 && c.links[n-1].href != "" && len(c.out) == c.links[n-1].start+1
}

func (c *mdConv) indent() string {
	if len(c.lists) == 0 {
		return ""
	}
	if l := c.lists[len(c.lists)-1]; l.content != "" {
		return l.content
	}
	return c.lists[len(c.lists)-1].base
}

// trimSpaces returns the output without trailing spaces, keeping those of
// a list marker or heading prefix.
func (c *mdConv) trimSpaces() []byte {
	n := len(bytes.TrimRight(c.out, " "))
	if n < c.marker && c.marker <= len(c.out) {
		n = c.marker
	}
	return c.out[:n]
}

// brk ends the current line; blank asks for a paragraph break, which inside
// a list becomes a plain line break so the list holds together.
func (c *mdConv) brk(blank bool) {
	c.out = c.trimSpaces()
	if len(c.out) == 0 || len(c.out) == c.marker {
		return // nothing to end, or a list item's text is still to come
	}
	if len(c.lists) > 0 {
		blank = false
	}
	want := "\n"
	if blank {
		want = "\n\n"
	}
	for !bytes.HasSuffix(c.out, []byte(want)) {
		c.out = append(c.out, '\n')
	}
	c.out = append(c.out, c.indent()...)
	c.lineAt = len(c.out)
}

// closeWith writes a closing marker before the trailing blank space, so
// "<b>bold </b>" gives "**bold** ".
func (c *mdConv) closeWith(s string) {
	n := len(bytes.TrimRight(c.out, " \n"))
	if n < c.lineAt {
		n = c.lineAt
	}
	tail := string(c.out[n:])
	c.out = append(append(c.out[:n], s...), tail...)
	if c.lineAt >= n && tail != "" {
		c.lineAt += len(s)
	}
}

// flush writes the emphasis opened since the last text: it waits so that
// blank space and empty elements do not end up inside the markers.
func (c *mdConv) flush() {
	for _, e := range c.emph[c.pending:] {
		c.out = append(c.out, e.marker...)
	}
	c.pending = len(c.emph)
}

func (c *mdConv) text(s string) {
	if c.skip > 0 {
		return
	}
	if c.pre > 0 {
		c.out = append(c.out, s...)
		return
	}
	s = collapseSpace(s) // HTML white space; a no-break space stays
	lead := strings.HasPrefix(s, " ")
	s = strings.TrimPrefix(s, " ")
	if lead && !c.atLineStart() && !c.atLinkStart() && !bytes.HasSuffix(c.out, []byte(" ")) {
		c.out = append(c.out, ' ')
	}
	if s == "" {
		return
	}
	c.flush()
	if c.code > 0 {
		c.out = append(c.out, s...)
		return
	}
	e := mdEscaper.Replace(s)
	if c.atLineStart() {
		e = mdLineStart(e)
	}
	c.out = append(c.out, e...)
}

// mdMaxDepth is the deepest list that gets its own indentation.
const mdMaxDepth = 8

var mdHeadings = map[string]string{"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### "}

func (c *mdConv) start(tag string, attrs map[string]string) {
	switch tag {
	case "script", "style", "head", "title", "noscript", "template", "iframe", "object", "svg", "math":
		c.skip++
	}
	if c.skip > 0 {
		return
	}
	switch tag {
	case "p", "div", "section", "article", "header", "footer", "main", "aside", "figure", "figcaption",
		"address", "center", "dl", "dt", "dd", "table", "blockquote", "form", "fieldset", "details", "summary", "nav":
		c.brk(true)
	case "tr":
		c.brk(false)
	case "td", "th":
		if !c.atLineStart() {
			c.out = append(c.trimSpaces(), " | "...)
		}
	case "h1", "h2", "h3", "h4", "h5", "h6":
		c.brk(true)
		c.out = append(c.out, mdHeadings[tag]...)
		c.lineAt, c.marker = len(c.out), len(c.out)
	case "br":
		switch {
		case c.pre > 0:
			c.out = append(c.out, '\n')
			return
		case len(c.out) == 0 || len(c.out) == c.marker:
			return
		case c.atLineStart(): // a second <br>: a new paragraph
			c.brk(true)
			return
		}
		c.out = append(c.trimSpaces(), "  \n"...)
		c.out = append(c.out, c.indent()...)
		c.lineAt = len(c.out)
	case "hr":
		c.brk(true)
		c.out = append(c.out, "---"...)
		c.brk(true)
	case "ul", "ol":
		c.brk(true)
		c.lists = append(c.lists, mdList{ordered: tag == "ol", base: c.indent()})
	case "li":
		if len(c.lists) == 0 {
			c.lists = append(c.lists, mdList{})
		}
		l := &c.lists[len(c.lists)-1]
		c.out = c.trimSpaces()
		if len(c.out) > 0 && !bytes.HasSuffix(c.out, []byte("\n")) {
			c.out = append(c.out, '\n')
		}
		marker := "- "
		if l.ordered {
			l.n++
			marker = strconv.Itoa(l.n) + ". "
		}
		c.out = append(c.out, l.base+marker...)
		c.lineAt, c.marker = len(c.out), len(c.out)
		l.content = l.base
		if len(c.lists) <= mdMaxDepth { // deeper lists stay at this depth: no quadratic indentation
			l.content = strings.Repeat(" ", len(l.base)+len(marker))
		}
	case "pre":
		c.brk(true)
		c.out = append(c.out, "```\n"...)
		c.pre++
	case "code", "kbd", "samp", "tt":
		if c.pre == 0 {
			c.flush()
			c.out = append(c.out, '`')
			c.code++
		}
	case "strong", "b":
		c.openEmph("**")
	case "em", "i", "cite", "dfn", "var":
		c.openEmph("*")
	case "del", "s", "strike":
		c.openEmph("~~")
	case "a":
		href := strings.TrimSpace(attrs["href"])
		if !webURL(href) {
			href = ""
		}
		c.links = append(c.links, mdLink{href: href, start: len(c.out)})
		if href != "" {
			c.flush()
			c.links[len(c.links)-1].start = len(c.out)
			c.out = append(c.out, '[')
		}
	case "img":
		alt := strings.Join(strings.Fields(attrs["alt"]), " ")
		if src := strings.TrimSpace(attrs["src"]); webURL(src) {
			c.flush()
			c.out = append(c.out, "!["+mdEscaper.Replace(alt)+"]("+mdURL(src)+")"...)
		} else if alt != "" {
			c.text(alt)
		}
	}
}

func (c *mdConv) end(tag string) {
	switch tag {
	case "script", "style", "head", "title", "noscript", "template", "iframe", "object", "svg", "math":
		if c.skip > 0 {
			c.skip--
		}
		return
	}
	if c.skip > 0 {
		return
	}
	switch tag {
	case "p", "div", "section", "article", "header", "footer", "main", "aside", "figure", "figcaption",
		"address", "center", "dl", "dt", "dd", "table", "blockquote", "form", "fieldset", "details", "summary", "nav",
		"h1", "h2", "h3", "h4", "h5", "h6":
		c.brk(true)
	case "tr":
		c.brk(false)
	case "ul", "ol":
		if len(c.lists) > 0 {
			c.lists = c.lists[:len(c.lists)-1]
		}
		c.brk(true)
	case "pre":
		if c.pre > 0 {
			c.pre--
			if !bytes.HasSuffix(c.out, []byte("\n")) {
				c.out = append(c.out, '\n')
			}
			c.out = append(c.out, "```"...)
			c.brk(true)
		}
	case "code", "kbd", "samp", "tt":
		if c.code > 0 {
			c.code--
			c.closeWith("`")
		}
	case "strong", "b", "em", "i", "cite", "dfn", "var", "del", "s", "strike":
		c.closeEmph()
	case "a":
		if len(c.links) == 0 {
			return
		}
		l := c.links[len(c.links)-1]
		c.links = c.links[:len(c.links)-1]
		if l.href == "" {
			return
		}
		if len(bytes.TrimSpace(c.out[l.start+1:])) == 0 {
			c.out = append(c.out[:l.start], c.out[l.start+1:]...) // no text: drop the link
			return
		}
		c.closeWith("](" + mdURL(l.href) + ")")
	}
}

func (c *mdConv) openEmph(kind string) {
	if c.open == nil {
		c.open = map[string]int{}
	}
	e := mdEmph{kind: kind, marker: kind}
	if c.open[kind] > 0 {
		e.marker = "" // "**a **b** c**" would not be bold
	}
	c.open[kind]++
	c.emph = append(c.emph, e)
}

func (c *mdConv) closeEmph() {
	if len(c.emph) == 0 {
		return
	}
	e := c.emph[len(c.emph)-1]
	c.emph = c.emph[:len(c.emph)-1]
	c.open[e.kind]--
	if c.pending > len(c.emph) {
		c.pending = len(c.emph) // written: close it
		c.closeWith(e.marker)
	}
}

func (c *mdConv) result() string {
	lines := strings.Split(string(c.out), "\n")
	for i, l := range lines {
		switch {
		case strings.TrimSpace(l) == "":
			lines[i] = ""
		case i == len(lines)-1 || strings.TrimSpace(lines[i+1]) == "":
			lines[i] = strings.TrimRight(l, " ") // no hard break before a blank line
		}
	}
	s := strings.Join(lines, "\n")
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return strings.TrimSpace(s)
}

func webURL(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "mailto:")
}

// mdURL writes a link destination, in <> when it holds spaces or brackets.
func mdURL(u string) string {
	if strings.ContainsAny(u, " ()<>\n") {
		return "<" + strings.NewReplacer("<", "%3C", ">", "%3E", "\n", "").Replace(u) + ">"
	}
	return u
}

// collapseSpace turns each run of HTML white space into one space.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f':
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}
