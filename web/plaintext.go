package web

import (
	"html"
	"regexp"
	"strings"

	"github.com/mopscert/mopscert/bank"
)

var (
	tagRE   = regexp.MustCompile(`<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// plainText is an item's Markdown as one line of plain text, for admin
// lists: rendered by the same safe renderer, then stripped of tags, so
// "**clicks**" shows as "clicks" and no markup reaches the list.
func plainText(md string) string {
	s := tagRE.ReplaceAllString(bank.RenderMarkdown(md), " ")
	return strings.TrimSpace(spaceRE.ReplaceAllString(html.UnescapeString(s), " "))
}

func init() { funcs["plain"] = plainText }
