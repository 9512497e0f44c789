package web

import (
	"html/template"
	"time"
)

// when renders a time for people: UTC in the page (what shows without
// JavaScript, and in the tooltip), converted to the reader's time zone by
// static/localtime.js. No inline script: the CSP forbids it.
func when(t time.Time) template.HTML { return whenIn("en", t) }

// whenIn is when with the UTC text in a language ("2. Dez. 2026, 15:04
// UTC"); the script then formats in the browser's own locale.
func whenIn(lang string, t time.Time) template.HTML {
	if t.IsZero() {
		return ""
	}
	u := t.UTC()
	utc := template.HTMLEscapeString(formatDateTime(lang, u))
	return template.HTML(`<time datetime="` + u.Format(time.RFC3339) + `" title="` + utc + `" data-local>` + utc + `</time>`) //nolint:gosec // built from a formatted time only
}

func init() {
	funcs["when"] = when
	funcs["whenp"] = func(t *time.Time) template.HTML {
		if t == nil {
			return ""
		}
		return when(*t)
	}
}
