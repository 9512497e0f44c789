package bank

import (
	"html"
	"reflect"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/apperr"
)

func TestFormatSplitLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"LF", "a\nb\n", []string{"a", "b", ""}},
		{"CRLF", "a\r\nb\r\n", []string{"a", "b", ""}},
		{"CR", "a\rb", []string{"a", "b"}},
		{"BOM", "\xEF\xBB\xBFa\r\nb", []string{"a", "b"}},
		{"Mixed", "a\r\nb\nc", []string{"a", "b", "c"}},
		{"Empty", "", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitLines([]byte(tt.in))
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("splitLines(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	t.Run("ControlCharacter", func(t *testing.T) {
		_, err := splitLines([]byte("ok\r\nnul \x00 here\n"))
		if ls := lineErrs(t, err); len(ls) != 1 || ls[0].Line != 2 || ls[0].Message != "this line holds the control character U+0000; is this a text file?" {
			t.Errorf("NUL: %+v", ls)
		}
	})
	t.Run("NotUTF8", func(t *testing.T) {
		for in, line := range map[string]int{"\xff": 1, "ok\nok\r\n\xc3\x28": 3, "\xEF\xBB\xBFa\n\xe9": 2} {
			_, err := splitLines([]byte(in))
			if ls := lineErrs(t, err); len(ls) != 1 || ls[0].Line != line || !strings.Contains(ls[0].Message, "not UTF-8") {
				t.Errorf("splitLines(%q): %+v; want one error on line %d", in, ls, line)
			}
		}
	})
}

// TestFormatPlainToMarkdown: plain text, once escaped, renders as itself.
func TestFormatPlainToMarkdown(t *testing.T) {
	texts := []string{
		`<html class="cool"> & images:`,
		"*not emphasis* and _not_ either, **nor** __this__",
		"`not code` [not](a link) ![not](an image) <b>not bold</b>",
		"# not a heading", "- not a list", "+ not a list", "1. not a list", "2) not a list", "> not a quote",
		"=== not an underline", "--- not a rule", "a | b | c", "~~not struck~~", `back\slash \* \\`,
		"&amp; &copy; &#169; stay as written", "5 < 6 > 4", "C:\\path\\to", "snake_case_name",
	}
	for _, s := range texts {
		t.Run(s, func(t *testing.T) {
			md := plainToMarkdown(s)
			out := RenderInline(md)
			if strings.Contains(out, "<") && !strings.Contains(html.UnescapeString(out), "<") {
				t.Errorf("%q renders with markup: %s", s, out)
			}
			if got := html.UnescapeString(out); got != s {
				t.Errorf("plainToMarkdown(%q) = %q renders as %q (%s)", s, md, got, out)
			}
		})
	}
}

func TestFormatHTMLToMarkdown(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Paragraphs", "<p>One</p><p>Two</p>", "One\n\nTwo"},
		{"Breaks", "a<br>b<br/>c", "a  \nb  \nc"},
		{"DoubleBreak", "a<br><br>b<br>", "a\n\nb"},
		{"EmptyParagraphs", "<p></p><p>Text<br></p><p><br></p>", "Text"},
		{"Emphasis", "<b>bold</b>, <strong>strong </strong>and <i>it</i><em>alic</em>", "**bold**, **strong** and *it**alic*"},
		{"EmptyEmphasis", "a<strong></strong> b<em> </em>c", "a b c"},
		{"NestedSame", "<b>a <strong>b</strong> c</b>", "**a b c**"},
		{"Entities", "&lt;tag&gt; &amp; &nbsp;x &quot;q&quot; &#8217;", "\\<tag\\> \\& \u00a0x \"q\" \u2019"},
		{"Escapes", "<p>*a* _b_ [c] # d</p>", `\*a\* \_b\_ \[c\] # d`},
		{"LineStart", "<p># Not a heading</p><p>1. Not a list</p>", "\\# Not a heading\n\n1\\. Not a list"},
		{"Link", `<a href="https://x.org/a b">the <b>link</b></a> <a href="@@PLUGINFILE@@/f.pdf">file</a>`, "[the **link**](<https://x.org/a b>) file"},
		{"LinkSpaces", `see <a href="https://x.org"> here </a>.`, "see [here](https://x.org) ."},
		{"JavascriptLink", `<a href="javascript:alert(1)">x</a>`, "x"},
		{"Images", `<img src="https://x.org/i.png" alt="A *chart*"> <img src="@@PLUGINFILE@@/m.jpg" alt="Magazine"><img src="data:x">`, "![A \\*chart\\*](https://x.org/i.png) Magazine"},
		{"Lists", "<ul><li>a</li><li>b<ol><li>c</li><li>d</li></ol></li></ul><p>after</p>", "- a\n- b\n  1. c\n  2. d\n\nafter"},
		{"ListParagraphs", "<ul><li><p>a</p></li><li><br>b<br>c</li></ul>", "- a\n- b  \n  c"},
		{"Headings", "<h2>Title</h2><p>Body</p>", "## Title\n\nBody"},
		{"Code", "<p>Run <code>a*b</code></p><pre>x  = 1\n  y</pre>", "Run `a*b`\n\n```\nx  = 1\n  y\n```"},
		{"Dropped", "<script>alert(1)</script><style>p{}</style><!-- note --><span style=\"color:red\">kept</span>", "kept"},
		{"Whitespace", "<p>\n  many\n\tspaces   here\n</p>", "many spaces here"},
		{"Table", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", "a | b\nc | d"},
		{"Unclosed", "<p>open <b>bold", "open **bold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlToMarkdown(tt.in); got != tt.want {
				t.Errorf("htmlToMarkdown(%q)\n = %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatIDs(t *testing.T) {
	tests := []struct {
		title, stem, want string
	}{
		{"", "What is data drift, and why?", "what-is-data-drift-and-why"},
		{"", "Which   of these\nwords count as the first six?", "which-of-these-words-count-as"},
		{"", "<p>Quel <b>élément</b> déterminer?</p>", "quel-element-determiner"},
		{"", "日本語", "item"},
		{"", "Q", "item-q"},
		{"Kanji Origins", "x", "kanji-origins"},
		{"already-an-id", "x", "already-an-id"},
		{"Défaut pour Louv23x", "x", "defaut-pour-louv23x"},
		{"!!!", "From the stem", "from-the-stem"},
	}
	for _, tt := range tests {
		t.Run(tt.title+tt.stem, func(t *testing.T) {
			d := &draft{title: tt.title}
			d.item.Stem = tt.stem
			if got := baseID(d); got != tt.want {
				t.Errorf("baseID(title %q, stem %q) = %q, want %q", tt.title, tt.stem, got, tt.want)
			}
		})
	}
	used := map[string]int{"a1": 1, "a1-2": 2}
	if got := uniqueID("a1", used, map[string]int{}); got != "a1-3" {
		t.Errorf("uniqueID = %q, want a1-3", got)
	}
}

// TestFormatBadOptions: options that are wrong whatever the file holds are
// field errors, for every format.
func TestFormatBadOptions(t *testing.T) {
	opt := ParseOptions{Domain: "maths", Status: "live", Tiers: []string{"ok", "Not OK"}, MaxItems: -1}
	errs := map[string]error{}
	_, errs["yaml"] = ParseYAML([]byte("items: []"), opt)
	_, _, errs["gift"] = ParseGIFT([]byte("Q{=a ~b}"), opt)
	_, errs["aiken"] = ParseAiken([]byte("Q\nA) a\nB) b\nANSWER: A"), opt)
	for name, err := range errs {
		ae, ok := apperr.As(err)
		if !ok || ae.Code != "validation_failed" || len(ae.Fields) != 4 {
			t.Errorf("%s: %v; want a validation error naming domain, status, tiers and max_items", name, err)
		}
	}
}
