package bank

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Item text is written by administrators, but an account can be stolen and a
// bank can be imported from anywhere, so it is rendered as if hostile, in two
// independent layers:
//
//   - goldmark in its default safe mode: raw HTML (blocks and inline) is
//     dropped, and javascript:, vbscript:, file: and data: destinations are
//     emptied. It is never built with html.WithUnsafe.
//   - bluemonday, a UGC-like allowlist applied to goldmark's output: no
//     script, style, iframe, object, embed, form or svg element, no event
//     handler or style attribute, and URLs only http, https, mailto or
//     relative, parsed after entity decoding and trimming (so a data: image
//     that goldmark lets through is dropped here).
//
// Both are built once. goldmark's parser and renderer finish their set-up
// under a sync.Once and keep per-call state in a fresh parser.Context and
// writer; bluemonday documents a finished Policy as safe for concurrent use.
// TestRenderConcurrent exercises both under -race.
var (
	mdConverter = goldmark.New(
		goldmark.WithExtensions(
			// The align attribute, not goldmark's default style="text-align:…":
			// the htmlPolicy drops every style attribute.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
		),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(util.Prioritized(linkRel{}, 100)),
		),
	)
	htmlPolicy = newSanitizer()
)

// linkRelValue is what every rendered link carries. nofollow keeps authors'
// links from lending the site's rank to anything; noopener costs nothing and
// stays right if a template later opens links in a new tab.
const linkRelValue = "nofollow noopener"

func newSanitizer() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// The rel that linkRel sets, and only that value: the UGC policy would
	// otherwise drop it and put a bare rel="nofollow" in its place.
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^nofollow noopener$`)).OnElements("a")
	// Fenced code blocks name their language for client-side highlighting.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9_+#-]{1,32}$`)).OnElements("code")
	// Table column alignment, as goldmark writes it.
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|center|right)$`)).OnElements("th", "td")
	p.RequireNoFollowOnLinks(true) // already in UGC; kept in case linkRel misses a node kind
	return p
}

// linkRel gives every link, including autolinks and bare URLs found by
// Linkify, rel="nofollow noopener". bluemonday has no option that adds
// noopener without also adding target="_blank", so it is set here.
type linkRel struct{}

func (linkRel) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n.(type) {
			case *ast.Link, *ast.AutoLink:
				n.SetAttributeString("rel", []byte(linkRelValue))
			}
		}
		return ast.WalkContinue, nil
	})
}

// RenderMarkdown renders Markdown to sanitized HTML (block level).
func RenderMarkdown(src string) string { return renderSafe(src, false) }

// RenderInline renders a short text (an option) without the wrapping <p>.
// Text that is more than one paragraph (a list, two paragraphs) is rendered
// as blocks, as RenderMarkdown would. A single line is never a block: a
// German date option "10. März" would otherwise be an ordered list starting
// at 10 and show as "März", and "- 5 %" a bullet.
func RenderInline(src string) string {
	if !strings.Contains(src, "\n") {
		if m := blockMarkerRE.FindStringSubmatchIndex(src); m != nil {
			// One of the groups holds the marker; a backslash before it
			// makes it text.
			for g := 2; g < len(m); g += 2 {
				if m[g] >= 0 {
					src = src[:m[g]] + "\\" + src[m[g]:]
					break
				}
			}
		}
	}
	return renderSafe(src, true)
}

// blockMarkerRE matches what would open an ordered or bullet list item, a
// heading or a block quote at the start of a line; group 1 is the character
// to escape.
var blockMarkerRE = regexp.MustCompile(`^ {0,3}(?:[0-9]{1,9}([.)])|([-+*]|#{1,6}))(?:[ \t]|$)|^ {0,3}(>)`)

func renderSafe(src string, inline bool) string {
	source := []byte(src)
	doc := mdConverter.Parser().Parse(text.NewReader(source))
	if inline {
		unwrapParagraph(doc)
	}
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/2 + 16)
	if err := mdConverter.Renderer().Render(&buf, source, doc); err != nil {
		// Writing to a bytes.Buffer does not fail and no node renderer
		// returns an error; should that change, show the text escaped.
		return template.HTMLEscapeString(src)
	}
	out := htmlPolicy.SanitizeBytes(buf.Bytes())
	if inline {
		out = bytes.TrimSpace(out)
	}
	return string(out)
}

// unwrapParagraph turns a document that is one paragraph into a text block,
// the node goldmark uses for tight list items: same inline content, no <p>.
// Link reference definitions render nothing, so they do not count.
func unwrapParagraph(doc ast.Node) {
	var p *ast.Paragraph
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		switch n := c.(type) {
		case *ast.LinkReferenceDefinition:
		case *ast.Paragraph:
			if p != nil {
				return
			}
			p = n
		default:
			return
		}
	}
	if p == nil {
		return
	}
	tb := ast.NewTextBlock()
	tb.SetLines(p.Lines())
	for c := p.FirstChild(); c != nil; {
		next := c.NextSibling()
		tb.AppendChild(tb, c)
		c = next
	}
	doc.ReplaceChild(doc, p, tb)
}
