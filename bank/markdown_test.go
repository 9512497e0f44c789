package bank

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

// xssPayloads are inputs an attacker might put in an item. Raw HTML payloads
// check the htmlPolicy as much as goldmark's safe mode; Markdown payloads
// check that no URL scheme trick survives.
var xssPayloads = []struct {
	name, src string
}{
	{"ScriptTag", `<script>alert(1)</script>`},
	{"ScriptTagUpper", `<SCRIPT SRC=//evil.example/x.js></SCRIPT>`},
	{"ScriptSplit", `<scr<script>ipt>alert(1)</scr</script>ipt>`},
	{"ScriptInHTMLBlock", "<div>\n<script>alert(1)</script>\n</div>"},
	{"ScriptAfterComment", `<!-- x --><script>alert(1)</script>`},
	{"ImgOnerror", `<img src=x onerror=alert(1)>`},
	{"ImgOnerrorInParagraph", `Look: <img src=x onerror="alert(1)"> here`},
	{"ImgEntityTab", `<IMG SRC="jav&#x09;ascript:alert(1);">`},
	{"SVGOnload", `<svg onload=alert(1)>`},
	{"SVGScript", `<svg><script>alert(1)</script></svg>`},
	{"MathXlink", `<math><mi xlink:href="javascript:alert(1)">x</mi></math>`},
	{"Iframe", `<iframe src="javascript:alert(1)"></iframe>`},
	{"IframeSrcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>`},
	{"Object", `<object data="javascript:alert(1)"></object>`},
	{"Embed", `<embed src="data:text/html,<script>alert(1)</script>">`},
	{"StyleTag", `<style>body{background:url(javascript:alert(1))}</style>`},
	{"StyleAttr", `<div style="background:url(javascript:alert(1))">x</div>`},
	{"OnclickInline", `text <b onclick=alert(1)>bold</b>`},
	{"UnknownTagHandler", `<x onmouseover=alert(1)>hover</x>`},
	{"DetailsOntoggle", `<details open ontoggle=alert(1)>`},
	{"Form", `<form action=javascript:alert(1)><input type=submit></form>`},
	{"Base", `<base href="javascript:/">`},
	{"MetaRefresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`},
	{"Link", `<link rel=stylesheet href="javascript:alert(1)">`},
	{"HTMLAnchorEntity", `<a href="&#106;avascript:alert(1)">x</a>`},
	{"HTMLAnchorMixedCase", `<a href="JaVaScRiPt:alert(1)">x</a>`},
	{"HTMLAnchorNoSemicolon", `<a href="&#0000106&#0000097vascript:alert(1)">x</a>`},
	{"MDLink", `[x](javascript:alert(1))`},
	{"MDLinkMixedCase", `[x](JaVaScRiPt:alert(1))`},
	{"MDLinkHexEntity", `[x](jav&#x61;script:alert(1))`},
	{"MDLinkAllEntities", `[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))`},
	{"MDLinkNamedColon", `[x](javascript&colon;alert(1))`},
	{"MDLinkNoSemicolon", `[x](&#0000106avascript:alert(1))`},
	{"MDLinkTab", "[x](<java\tscript:alert(1)>)"},
	{"MDLinkLeadingSpace", `[x](<  javascript:alert(1)>)`},
	{"MDLinkNUL", "[x](java\x00script:alert(1))"},
	{"MDLinkTitle", `[x](javascript:alert(1) "title")`},
	{"MDLinkQuoteBreakout", `[x](https://example.com"onclick="alert(1))`},
	{"MDLinkVBScript", `[x](vbscript:msgbox(1))`},
	{"MDLinkDataHTML", `[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`},
	{"MDReference", "[x]: javascript:alert(1)\n\n[click][x]"},
	{"MDImageJS", `![x](javascript:alert(1))`},
	{"MDImageDataPNG", `![x](data:image/png;base64,iVBORw0KGgo=)`},
	{"MDImageDataSVG", `![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`},
	{"MDImageAltBreakout", `![x" onerror="alert(1)](https://example.com/a.png)`},
	{"MDImageSrcBreakout", `![x](https://example.com/a.png"onerror="alert(1))`},
	{"Autolink", `<javascript:alert(1)>`},
	{"AutolinkUpper", `<JAVASCRIPT:alert(1)>`},
	{"AutolinkVB", `<vbscript:msgbox(1)>`},
	{"AutolinkData", `<data:text/html,alert(1)>`},
	{"LinkifyScript", `www.example.com/<script>alert(1)</script>`},
	{"TableCell", "| a |\n|---|\n| <img src=x onerror=alert(1)> [x](javascript:alert(1)) |"},
	{"CodeSpanTagInLink", "[`<script>`](javascript:alert(1))"},
	{"Strikethrough", `~~<script>alert(1)</script>~~`},
}

var (
	// Elements that can run script, load active content or restyle a page.
	xssBannedElements = map[string]bool{
		"script": true, "style": true, "iframe": true, "frame": true, "frameset": true,
		"object": true, "embed": true, "applet": true, "svg": true, "math": true,
		"form": true, "input": true, "button": true, "textarea": true, "select": true,
		"base": true, "link": true, "meta": true, "template": true,
	}
	xssURLAttrs = map[string]bool{
		"href": true, "src": true, "action": true, "formaction": true, "cite": true,
		"background": true, "poster": true, "srcset": true, "data": true, "xlink:href": true,
	}
	xssTagRe      = regexp.MustCompile(`<[^>]*>`)
	xssHandlerRe  = regexp.MustCompile(`[\s/]on[a-z]+\s*=`)
	xssBadSchemes = []string{"javascript:", "vbscript:", "data:"}
)

// xssStripSpace removes what browsers ignore inside a URL scheme: whitespace
// and control characters.
func xssStripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// unsafeParts checks out twice: as a browser would parse it (entities
// decoded, case folded) and as text (each tag, case-insensitively). Link text
// such as "javascript:alert(1)" outside a tag is inert and allowed.
func unsafeParts(out string) []string {
	var bad []string
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		return []string{"unparseable: " + err.Error()}
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if xssBannedElements[n.Data] {
				bad = append(bad, "element <"+n.Data+">")
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = strings.ToLower(a.Namespace + ":" + a.Key)
				}
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" {
					bad = append(bad, "attribute "+key)
				}
				if xssURLAttrs[key] {
					v := strings.ToLower(xssStripSpace(a.Val))
					for _, s := range xssBadSchemes {
						if strings.Contains(v, s) {
							bad = append(bad, key+" with "+s)
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)

	for _, tag := range xssTagRe.FindAllString(strings.ToLower(out), -1) {
		for _, el := range []string{"<script", "<style", "<iframe", "<object", "<embed", "<svg", "<math", "<form", "<base", "<meta", "<link"} {
			if strings.HasPrefix(tag, el) {
				bad = append(bad, "tag "+tag)
			}
		}
		if xssHandlerRe.MatchString(tag) {
			bad = append(bad, "handler in "+tag)
		}
		decoded := xssStripSpace(html.UnescapeString(tag))
		for _, s := range xssBadSchemes {
			if strings.Contains(decoded, s) {
				bad = append(bad, s+" in "+tag)
			}
		}
	}
	return bad
}

func assertSafeHTML(t *testing.T, out string) {
	t.Helper()
	if bad := unsafeParts(out); len(bad) > 0 {
		t.Errorf("unsafe output %q: %s", out, strings.Join(bad, "; "))
	}
}

// TestSanitizeCheckerCatches keeps the checker honest: each of these must be
// reported, or a passing XSS table proves nothing.
func TestSanitizeCheckerCatches(t *testing.T) {
	for _, out := range []string{
		`<SCRIPT>x</SCRIPT>`,
		`<img src=x OnError=alert(1)>`,
		`<a href="jav&#x61;script:alert(1)">x</a>`,
		`<a href="&#106;avascript:alert(1)">x</a>`,
		"<a href=\"java\tscript:alert(1)\">x</a>",
		`<a href=" VBScript:x">x</a>`,
		`<img src="DATA:image/png;base64,AAAA">`,
		`<p style="color:red">x</p>`,
		`<svg></svg>`,
		`<iframe></iframe>`,
	} {
		if len(unsafeParts(out)) == 0 {
			t.Errorf("unsafeParts(%q) found nothing", out)
		}
	}
}

func TestRenderMarkdownXSS(t *testing.T) {
	for _, tc := range xssPayloads {
		t.Run(tc.name, func(t *testing.T) {
			assertSafeHTML(t, RenderMarkdown(tc.src))
			assertSafeHTML(t, RenderInline(tc.src))
			// The same payload inside ordinary Markdown structure.
			assertSafeHTML(t, RenderMarkdown("- item\n- "+tc.src+"\n\n> "+tc.src+"\n\n**"+tc.src+"**"))
		})
	}
}

func TestRenderMarkdown(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"Emphasis", "*em* and **strong** and ~~old~~", "<p><em>em</em> and <strong>strong</strong> and <del>old</del></p>\n"},
		{"List", "- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"},
		{"OrderedList", "1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"},
		{"CodeSpan", "Use `utm_source=<x>`.", "<p>Use <code>utm_source=&lt;x&gt;</code>.</p>\n"},
		{"CodeBlock", "```sql\nSELECT 1 < 2;\n```", "<pre><code class=\"language-sql\">SELECT 1 &lt; 2;\n</code></pre>\n"},
		{"Link", "[guide](https://example.com/a?b=1&c=2)", `<p><a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener">guide</a></p>` + "\n"},
		{"Autolink", "<https://example.com>", `<p><a href="https://example.com" rel="nofollow noopener">https://example.com</a></p>` + "\n"},
		{"BareURL", "See https://example.com.", `<p>See <a href="https://example.com" rel="nofollow noopener">https://example.com</a>.</p>` + "\n"},
		{"Mailto", "<mailto:a@example.com>", `<p><a href="mailto:a@example.com" rel="nofollow noopener">mailto:a@example.com</a></p>` + "\n"},
		{"Table", "| a | b |\n|:--|--:|\n| 1 | 2 |", "<table>\n<thead>\n<tr>\n<th align=\"left\">a</th>\n<th align=\"right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">1</td>\n<td align=\"right\">2</td>\n</tr>\n</tbody>\n</table>\n"},
		{"Escaped", "a < b & c", "<p>a &lt; b &amp; c</p>\n"},
		{"RawHTMLDropped", "keep <b>this</b> text", "<p>keep this text</p>\n"},
		{"Empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RenderMarkdown(tc.src); got != tc.want {
				t.Errorf("RenderMarkdown(%q)\n got %q\nwant %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestRenderInline(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"Plain", "Lead scoring", "Lead scoring"},
		{"Emphasis", "Use **UTM** tags", "Use <strong>UTM</strong> tags"},
		{"Link", "[RFC](https://example.com)", `<a href="https://example.com" rel="nofollow noopener">RFC</a>`},
		{"Reference", "[y][x]\n\n[x]: https://example.com", `<a href="https://example.com" rel="nofollow noopener">y</a>`},
		{"TwoParagraphs", "one\n\ntwo", "<p>one</p>\n<p>two</p>"},
		{"List", "- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"},
		{"Empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RenderInline(tc.src); got != tc.want {
				t.Errorf("RenderInline(%q)\n got %q\nwant %q", tc.src, got, tc.want)
			}
		})
	}
}

// TestRenderConcurrent shares the package-level renderer and policy between
// goroutines; run with -race it would catch shared mutable state.
func TestRenderConcurrent(t *testing.T) {
	const src = "**Which** metric? See [doc](https://example.com).\n\n- a\n- b"
	want := RenderMarkdown(src)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if got := RenderMarkdown(src); got != want {
					t.Errorf("concurrent render differs: %q", got)
					return
				}
				_ = RenderInline(fmt.Sprintf("option *%d*", i))
			}
		}()
	}
	wg.Wait()
}

func BenchmarkRenderMarkdown(b *testing.B) {
	const stem = "A B2B company's marketing team reports a **20% drop** in MQL-to-SQL conversion " +
		"after a change to the lead scoring model. Sales says leads arrive *without context*.\n\n" +
		"- The scoring model was changed last quarter.\n- Routing rules were not updated.\n" +
		"- See the [SLA template](https://example.com/sla) for definitions.\n\n" +
		"Which **two** actions should the marketing operations manager take first?"
	b.SetBytes(int64(len(stem)))
	b.ReportAllocs()
	for b.Loop() {
		_ = RenderMarkdown(stem)
	}
}

// An option is one line of text: what would open a block there is text.
func TestRenderInlineSingleLineIsNotABlock(t *testing.T) {
	tests := []struct{ in, want string }{
		{"10. März", "10. März"},
		{"3) Juli", "3) Juli"},
		{"- 5 %", "- 5 %"},
		{"# of sends", "# of sends"},
		{"> 30 days", "&gt; 30 days"},
		{"10.5 %", "10.5 %"},
		{"-5 %", "-5 %"},
		{"**bold** text", "<strong>bold</strong> text"},
		{"1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"},
	}
	for _, tc := range tests {
		if got := RenderInline(tc.in); got != tc.want {
			t.Errorf("RenderInline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
