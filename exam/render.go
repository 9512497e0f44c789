package exam

import (
	"sync"

	"github.com/mopscert/mopscert/bank"
)

// Item versions never change, so their sanitized HTML is rendered once and
// kept: every load of an exam page shows 30 to 40 stems and their options,
// and Markdown plus sanitizing costs tens of microseconds each.
const maxRendered = 20_000 // about the size of a large bank; then start afresh

type renderedItem struct {
	stem    string
	exhibit string
	options []string // in authored order
	matches []string // matching items: each option's match, authored order
}

// renderKey is one version in one language: a German and an English
// candidate see different HTML for the same version.
type renderKey struct {
	ref  bank.Ref
	lang string
}

type renderCache struct {
	mu sync.Mutex
	m  map[renderKey]renderedItem
}

// get returns the HTML of it, which is the version ref already localized to
// lang.
func (c *renderCache) get(ref bank.Ref, lang string, it *bank.Item) renderedItem {
	key := renderKey{ref, lang}
	c.mu.Lock()
	r, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return r
	}
	r = renderedItem{stem: bank.RenderMarkdown(it.Stem), options: make([]string, len(it.Options))}
	if it.Exhibit != "" {
		r.exhibit = bank.RenderMarkdown(it.Exhibit)
	}
	for i, o := range it.Options {
		r.options[i] = bank.RenderInline(o.Text)
	}
	if it.Type == bank.Matching {
		r.matches = make([]string, len(it.Options))
		for i, o := range it.Options {
			r.matches[i] = bank.RenderInline(o.Match)
		}
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxRendered {
		c.m = make(map[renderKey]renderedItem)
	}
	c.m[key] = r
	c.mu.Unlock()
	return r
}
