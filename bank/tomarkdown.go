package bank

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	xhtml "golang.org/x/net/html"
)

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
