package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/mopscert/mopscert/bank"
)

// Template functions of the administrators' pages that depend on the
// language. The domain hands over codes (statuses, actions, severities,
// rules); these word them, falling back to the code itself, so a code added
// later shows as itself instead of vanishing.

func adminFuncs(lc *loc) template.FuncMap {
	return template.FuncMap{
		"fixed": func(v any, decimals int) string { return formatFixed(lc.Lang, toFloat(v), decimals) },
		// fixedp is fixed for an optional figure: a dash when there is none.
		"fixedp": func(v *float64, decimals int) string {
			if v == nil {
				return "–"
			}
			return formatFixed(lc.Lang, *v, decimals)
		},
		"when": func(t time.Time) template.HTML { return whenIn(lc.Lang, t) },
		"whenp": func(t *time.Time) template.HTML {
			if t == nil {
				return ""
			}
			return whenIn(lc.Lang, *t)
		},
		// codeWord words a code under a catalogue prefix ("admin.action."):
		// the catalogue's text when it has one, else the code.
		"codeWord":        func(prefix string, code any) string { return lc.codeWord(prefix, fmt.Sprint(code)) },
		"adminDomain":     func(d any) string { return lc.adminDomain(fmt.Sprint(d)) },
		"auditMessage":    lc.auditMessage,
		"adminJSMessages": lc.adminJSMessages,
	}
}

// codeWord is the catalogue's word for prefix+code, or the code.
func (lc *loc) codeWord(prefix, code string) string {
	if id := prefix + code; code != "" && lc.has(id) {
		return lc.T(id)
	}
	return code
}

// adminDomain names a blueprint domain: the catalogue's name for the
// shipped ones, the code made readable for others.
func (lc *loc) adminDomain(d string) string {
	if id := "admin.domain." + d; d != "" && lc.has(id) {
		return lc.T(id)
	}
	return lc.domainName(d)
}

// auditMessage words an audit finding from its rule: bank words findings
// in English for the command line, and the pages word them per language
// from the rule id and the finding's fields. A rule the catalogue lacks
// keeps bank's sentence.
func (lc *loc) auditMessage(f bank.AuditFinding) string {
	id := "admin.audit.rule." + f.Rule
	if !lc.has(id) {
		return f.Message
	}
	return lc.T(id, "Group", f.Group, "Margin", bank.AuditGuesserMargin)
}

// adminJSMessages is the item editor script's wording (the admin.js.*
// ids, without the prefix), handed over as a JSON block like the exam
// page's.
func (lc *loc) adminJSMessages() map[string]string {
	out := map[string]string{}
	for _, id := range messageIDs("en") {
		if k, ok := strings.CutPrefix(id, "admin.js."); ok {
			out[k] = lc.T(id)
		}
	}
	return out
}
