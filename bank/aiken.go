package bank

import (
	"fmt"
	"regexp"
	"strings"
)

// Aiken is the simplest question format Moodle reads (question/format/
// aiken/format.php): the question text, its options one to a line, each a
// capital letter, then ) or ., then the text, and a line "ANSWER: X":
//
//	Which tool …?
//	A) First option
//	B. Second option
//	ANSWER: B
//
// Blank lines and lines shorter than two characters are ignored. The
// errors Moodle reports are reported with the same lines: an option or
// ANSWER line before any question, a question with fewer than two options,
// a new question starting before the previous one has its ANSWER. Where
// Moodle goes wrong silently, this is an error too: an ANSWER letter that
// is not among the options, more than one letter, a repeated option letter,
// a question left without ANSWER at the end of the file. Unlike Moodle,
// the question text may run over several lines (joined with line breaks)
// as long as no blank line splits it. Every question is single answer;
// its texts are plain text, escaped into Markdown.
//
// Aiken has no place for an id, so a question may be preceded by a line
// "ID: item-id" (between questions, not inside one). It names the item
// the way a GIFT ::title:: does: an import into German matches items by it,
// and an English import updates that item instead of making up an id.
// Moodle would read the line as question text, so only files meant for
// this bank should carry it.

var (
	aikenOptionRe = regexp.MustCompile(`^([A-Z])[).][ \t]?`)
	aikenAnswerRe = regexp.MustCompile(`^ANSWER:`)
	aikenIDRe     = regexp.MustCompile(`^ID:[ \t]*(\S*)$`)
)

// ParseAiken reads an Aiken file. The error, if any, is an *apperr.Error:
// field errors for bad options, otherwise line errors, and then nothing
// is returned.
func ParseAiken(data []byte, opt ParseOptions) ([]Parsed, error) {
	if err := checkOptions(opt); err != nil {
		return nil, err
	}
	lines, err := splitLines(data)
	if err != nil {
		return nil, err
	}
	var errs lineErrors
	ds := readAiken(lines, opt, &errs)
	return finishFile(ds, 0, opt, &errs)
}

type aikenQuestion struct {
	d      *draft
	stem   []string
	labels []byte
	blank  bool // a blank line came after the question text
}

// readAiken returns the complete questions and reports the rest.
func readAiken(lines []string, opt ParseOptions, errs *lineErrors) []*draft {
	var out []*draft
	var q *aikenQuestion
	idLine, id := 0, "" // an ID: line waiting for its question
	for i, raw := range lines {
		n := i + 1
		l := strings.Trim(raw, phpSpace)
		if len(l) < 2 {
			if q != nil {
				q.blank = true
			}
			continue
		}
		if m := aikenIDRe.FindStringSubmatch(l); m != nil && q == nil {
			switch {
			case idLine > 0:
				errs.addMsg(n, codeAikenSecondID.Msg("a second ID line: line %d already names the next question %q", idLine, id))
			case !ValidID(m[1]):
				errs.addMsg(n, codeAikenBadID.Msg("ID: %q is not an item id; use 2 to 80 lower-case letters, digits and hyphens", m[1]))
			default:
				idLine, id = n, m[1]
			}
			continue
		}
		switch {
		case aikenOptionRe.MatchString(l):
			if q == nil {
				errs.addMsg(n, codeAikenOptionFirst.Msg("an option comes before any question text"))
				continue
			}
			k := fmt.Sprintf("options[%d]", len(q.labels))
			q.d.lines[k] = n
			q.labels = append(q.labels, l[0])
			q.d.item.Options = append(q.d.item.Options, Option{Text: plainToMarkdown(strings.Trim(l[2:], phpSpace))})
		case aikenAnswerRe.MatchString(l):
			if q == nil {
				errs.addMsg(n, codeAikenAnswerFirst.Msg("ANSWER comes before any question text"))
				continue
			}
			if d := q.answer(n, l, errs); d != nil {
				out = append(out, d)
			}
			q = nil
		default:
			switch {
			case q == nil:
			case len(q.labels) > 0 || q.blank:
				errs.addMsg(n, codeAikenNoAnswerNext.Msg("a new question starts here, but the question on line %d has no ANSWER line", q.d.line))
			default:
				q.stem = append(q.stem, plainToMarkdown(l))
				continue
			}
			q = &aikenQuestion{d: newDraft(n), stem: []string{plainToMarkdown(l)}}
			q.d.lines["stem"] = n
			if idLine > 0 {
				q.d.item.ID, q.d.explicit, q.d.lines["id"] = id, true, idLine
				idLine, id = 0, ""
			}
			withDefaults(&q.d.item, opt)
			q.d.item.Type = Single
		}
	}
	if q != nil {
		errs.addMsg(q.d.line, codeAikenNoAnswer.Msg("the question that starts here has no ANSWER line"))
	}
	if idLine > 0 {
		errs.addMsg(idLine, codeAikenIDAlone.Msg("the ID line is not followed by a question"))
	}
	return out
}

// answer finishes a question at its "ANSWER: X" line.
func (q *aikenQuestion) answer(n int, l string, errs *lineErrors) *draft {
	d := q.d
	d.lines["options"] = n
	if len(q.labels) < 2 {
		errs.addMsg(n, codeAikenFewOptions.Msg("a question needs at least 2 options before its ANSWER line; the one on line %d has %d", d.line, len(q.labels)))
		return nil
	}
	seen := map[byte]int{}
	for i, c := range q.labels {
		if j, dup := seen[c]; dup {
			errs.addMsg(d.lines[fmt.Sprintf("options[%d]", i)], codeAikenLetterTwice.Msg("option letter %s is used twice in this question (first on line %d)", string(rune(c)), d.lines[fmt.Sprintf("options[%d]", j)]))
			return nil
		}
		seen[c] = i
	}
	v := strings.Trim(strings.TrimPrefix(l, "ANSWER:"), phpSpace)
	letter := strings.ToUpper(v)
	switch {
	case v == "":
		errs.addMsg(n, codeAikenAnswerEmpty.Msg("ANSWER names no option letter"))
		return nil
	case len(letter) > 1 && (letter[1] >= 'A' && letter[1] <= 'Z' || letter[1] >= '0' && letter[1] <= '9' || letter[1] == ','):
		errs.addMsg(n, codeAikenAnswerMany.Msg("ANSWER: %s is not one letter; an Aiken question has exactly one correct option", v))
		return nil
	}
	i, ok := seen[letter[0]]
	if !ok {
		errs.addMsg(n, codeAikenAnswerUnknown.Msg("ANSWER: %s is not one of the options (%s)", string(rune(letter[0])), aikenLetters(q.labels)))
		return nil
	}
	d.item.Options[i].Correct = true
	d.item.Stem = strings.Join(q.stem, "\n")
	return d
}

func aikenLetters(labels []byte) string {
	s := make([]string, len(labels))
	for i, c := range labels {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}
