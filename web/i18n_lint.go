package web

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/mopscert/mopscert/bank"
)

// Lint findings in the reader's language. bank writes each finding's
// Message in English, "<field label>: <sentence>", and keeps the sentence's
// code and arguments (Finding.Msg); this words both parts per language.
// A finding without a code (the audit's giveaways, a non-field validation
// error, the bank-wide duplicate findings) keeps bank's English Message.

// findings returns fs with their messages in the reader's language
// (fs itself in English, whose sentences bank wrote already).
func (lc *loc) findings(fs []bank.Finding) []bank.Finding {
	if lc.Lang == "en" {
		return fs
	}
	out := make([]bank.Finding, len(fs))
	for i, f := range fs {
		out[i] = f
		out[i].Message = lc.findingMessage(f)
	}
	return out
}

// findingMessage words one finding: the label of its field and its
// sentence, from the sentence's detail code (err.<code>) or, for
// Item.Validate's messages, its field code (err.field.<code>).
func (lc *loc) findingMessage(f bank.Finding) string {
	if lc.Lang == "en" || f.Msg.Code == "" {
		return f.Message
	}
	var sentence string
	switch id := "err." + f.Msg.Code; {
	case lc.has(id):
		sentence = lc.T(id, lc.msgArgs(f.Msg.Args)...)
	case lc.has("err.field." + f.Msg.Code):
		sentence = lc.fieldMessage(f.Msg, f.Msg.Message)
	default:
		return f.Message
	}
	return lc.findingLabel(f.Field) + ": " + sentence
}

var findingFieldRe = regexp.MustCompile(`^(options|tiers)\[(\d+)\](?:\.(text|feedback|match))?$`)

// findingLabel names a field for people as bank's findingLabel does in
// English: "options[2].text" is "Option 3", "translations.de.stem" the
// German stem. A field the catalogue has no name for shows as bank would
// name it.
func (lc *loc) findingLabel(key string) string {
	if rest, ok := strings.CutPrefix(key, "translations.de."); ok {
		l := lc.findingLabel(rest)
		if lc.Lang == "en" { // "German stem", mid-sentence; German nouns keep their capital
			l = strings.ToLower(l[:1]) + l[1:]
		}
		return lc.T("admin.lint.label.german", "Label", l)
	}
	if m := findingFieldRe.FindStringSubmatch(key); m != nil {
		n, _ := strconv.Atoi(m[2])
		id := "admin.lint.label.option"
		switch {
		case m[1] == "tiers":
			id = "admin.lint.label.tier"
		case m[3] == "feedback":
			id = "admin.lint.label.option_feedback"
		case m[3] == "match":
			id = "admin.lint.label.option_match"
		}
		return lc.T(id, "N", lc.Num(n+1))
	}
	if key == "" {
		key = "item"
	}
	if id := "admin.lint.label." + key; lc.has(id) {
		return lc.T(id)
	}
	return strings.ToUpper(key[:1]) + key[1:]
}
