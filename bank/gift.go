package bank

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// GIFT is Moodle's text format for questions. ParseGIFT reads it the way
// Moodle's qformat_gift does (question/format/gift/format.php), so a file
// that imports into Moodle imports here with the same stems, options and
// feedback:
//
//   - questions are separated by blank lines; each line is trimmed; lines
//     starting with // are comments;
//   - the answer block is the text between the first { and the first } of
//     the question; text after it makes the question a "missing word" one,
//     with _____ where the block was;
//   - the type follows from the answer block: none (no braces) is a
//     description, {} an essay, {#…} numerical, any ~ multiple choice
//     (single answer when some answer starts with =, else multiple answers
//     with %weights%), = with -> matching, T/TRUE/F/FALSE true/false, and
//     anything else short answer;
//   - \~ \= \# \{ \} \: \\ and \n are escapes, everywhere.
//
// The bank holds multiple choice and true/false; the other types are listed
// (SkipUnsupported) or refuse the file. Where Moodle differs from the bank:
// a single-answer question's partial-credit options (~%50%…) count as wrong,
// since an item is right or wrong; a multiple-answer option is correct when
// its weight is positive. Text in Moodle's [html] format (what Moodle
// exports) is converted to Markdown, [plain] text is escaped, [markdown]
// and Moodle's own format are kept. General feedback (####) becomes the
// rationale. A $CATEGORY path names the domain and topic; comments that
// WriteGIFT writes (// @tiers: …, @status, @source, @author) and Moodle's
// // [id:…] are read back.

// ParseGIFT reads a Moodle GIFT file. The error, if any, is an
// *apperr.Error: field errors for bad options, otherwise line errors, and
// then nothing is returned.
func ParseGIFT(data []byte, opt ParseOptions) ([]Parsed, []Skipped, error) {
	if err := checkOptions(opt); err != nil {
		return nil, nil, err
	}
	lines, err := splitLines(data)
	if err != nil {
		return nil, nil, err
	}
	p := &giftParser{opt: opt, domain: Concepts}
	if opt.Domain != "" {
		p.domain = opt.Domain
	}
	var block []giftLine
	size, tooBig := 0, false
	flush := func() {
		if len(block) > 0 && !tooBig {
			p.block(block)
		}
		block, size, tooBig = nil, 0, false
	}
	for i, l := range lines {
		t := strings.Trim(l, phpSpace)
		if t == "" {
			flush()
			continue
		}
		if tooBig {
			continue
		}
		// A question's lines end at a blank line. A run far longer than any
		// question is not one (a file of junk, or a missing blank line
		// everywhere): it is refused at once rather than parsed, which on a
		// near-limit upload would cost time and memory far beyond its size.
		if size += len(t); size > maxGIFTBlock {
			p.errs.addMsg(block[0].n, codeGIFTBlockLong.Msg("this question runs past %d KB without a blank line; leave a blank line between questions", maxGIFTBlock>>10))
			tooBig = true
			continue
		}
		block = append(block, giftLine{n: i + 1, text: t})
	}
	flush()
	parsed, err := finishFile(p.drafts, len(p.skipped), opt, &p.errs)
	if err != nil {
		return nil, nil, err
	}
	if p.skipped == nil {
		p.skipped = []Skipped{} // a JSON list, never null
	}
	return parsed, p.skipped, nil
}

// maxGIFTBlock bounds one question's text: 64 KB is many times the longest
// question with feedback an item holds.
const maxGIFTBlock = 64 << 10

// phpSpace is what PHP's trim() removes, which is what Moodle trims.
const phpSpace = " \t\n\r\x00\x0B"

type giftLine struct {
	n    int // line number in the file
	text string
}

type giftParser struct {
	opt     ParseOptions
	domain  Domain
	topic   string
	catLine int
	drafts  []*draft
	skipped []Skipped
	errs    lineErrors
}

// block reads the lines between two blank lines: a category, a question,
// or only comments.
func (p *giftParser) block(lines []giftLine) {
	var comments []giftLine
	parts := make([]giftLine, len(lines))
	for i, l := range lines {
		parts[i] = l
		if strings.HasPrefix(l.text, "//") {
			comments = append(comments, l)
			parts[i].text = " " // as Moodle does: the line stays, empty
		}
	}
	text := newGspan(parts).trim()
	switch {
	case text.len() == 0:
		p.orphanMeta(comments)
	case text.hasPrefix("$CATEGORY:"):
		p.orphanMeta(comments)
		p.category(text)
	default:
		p.question(text, comments)
	}
}

var giftMetaRe = regexp.MustCompile(`^//\s*@([A-Za-z_]+)\s*:(.*)$`)

// orphanMeta reports @ comments that are not attached to a question.
func (p *giftParser) orphanMeta(comments []giftLine) {
	for _, c := range comments {
		if m := giftMetaRe.FindStringSubmatch(c.text); m != nil {
			p.errs.addMsg(c.n, codeGIFTOrphanMeta.Msg("@%s has no question below it: put it right above its question, with no blank line between", m[1]))
		}
	}
}

// category reads "$CATEGORY: path". Moodle would take any lines after it
// as part of the category name; that is never meant, so it is an error.
func (p *giftParser) category(text gspan) {
	rest := text.sub(len("$CATEGORY:"), text.len())
	if k := rest.index("\n"); k >= 0 {
		if more := rest.sub(k, rest.len()).trim(); more.len() > 0 {
			p.errs.addMsg(more.line(), codeGIFTCategory.Msg("leave a blank line between the $CATEGORY line and the question below it"))
		}
		rest = rest.sub(0, k)
	}
	p.domain, p.topic = giftCategory(strings.Trim(rest.String(), phpSpace), p.opt.Domain)
	p.catLine = text.line()
}

// giftCategory maps a Moodle category path onto a domain and topic:
// "tools/data hygiene" is domain tools, topic "data hygiene";
// "$course$/top/Default for X" is the default domain, topic "Default for X".
// A / inside a name is written //, as Moodle does.
func giftCategory(path string, def Domain) (Domain, string) {
	var segs []string
	for _, s := range strings.Split(strings.ReplaceAll(path, "//", "\x00"), "/") {
		if s = strings.TrimSpace(strings.ReplaceAll(s, "\x00", "/")); s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) > 0 && len(segs[0]) > 1 && strings.HasPrefix(segs[0], "$") && strings.HasSuffix(segs[0], "$") {
		segs = segs[1:] // $course$, $system$, $cat$, $module$
	}
	if len(segs) > 0 && segs[0] == "top" {
		segs = segs[1:]
	}
	d := def
	if d == "" {
		d = Concepts
	}
	if len(segs) > 0 {
		name := Domain(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(segs[0])))
		if name.Valid() {
			d, segs = name, segs[1:]
		}
	}
	if len(segs) == 0 {
		return d, ""
	}
	return d, segs[len(segs)-1]
}

// Why a question type is left out.
var giftUnsupported = map[string]string{
	"description": "descriptions (text with no answer block) are not supported",
	"essay":       "essay questions are not supported",
	"numerical":   "numerical questions are not supported",
	"matching":    "matching questions are not supported",
	"shortanswer": "short-answer questions are not supported",
}

func (p *giftParser) unsupported(line int, reason string) {
	if p.opt.SkipUnsupported {
		p.skipped = append(p.skipped, Skipped{Line: line, Reason: reason})
		return
	}
	p.errs.add(line, "%s; import with skip_unsupported=1 to leave them out", reason)
}

// question reads one question, as Moodle's readquestion does.
func (p *giftParser) question(text gspan, comments []giftLine) {
	start := text.line()
	title, titled := "", false
	if text.hasPrefix("::") {
		text = text.sub(2, text.len())
		if k := text.index("::"); k >= 0 {
			title, titled = strings.TrimSpace(text.sub(0, k).String()), true
			text = text.sub(k+2, text.len()).trim()
		}
	}
	open, closing := text.index("{"), text.index("}")
	switch {
	case open < 0 && closing < 0:
		p.unsupported(start, giftUnsupported["description"])
		return
	case open < 0:
		p.errs.addMsg(text.ln[closing], codeGIFTStrayClose.Msg(`this } closes no answer block; write \} for a literal brace`))
		return
	case closing < 0:
		p.errs.addMsg(text.ln[open], codeGIFTUnclosed.Msg(`the answer block opened with { on this line is never closed with }; write \{ for a literal brace`))
		return
	case closing < open:
		p.errs.addMsg(text.ln[closing], codeGIFTCloseFirst.Msg(`this } comes before the { that opens the answer block; write \} for a literal brace`))
		return
	}
	answer := text.sub(open+1, closing).trim()
	var stem gspan
	if last := text.len() - 1; text.r[last] == '}' && !text.esc[last] {
		stem = joinGspans(text.sub(0, open), text.sub(closing+1, text.len()))
	} else { // missing word: the blank goes where the answers were
		stem = joinGspans(text.sub(0, open), literalGspan("_____", text.ln[open]), text.sub(closing+1, text.len()))
	}
	var general gspan
	hasGeneral := false
	if k := answer.lastIndex("####"); k >= 0 {
		general, hasGeneral = answer.sub(k+4, answer.len()), true
		answer = answer.sub(0, k).trim()
	}

	kind, hint := giftKind(answer)
	if kind != "multichoice" && kind != "truefalse" && kind != "numerical" && kind != "matching" {
		p.unsupported(start, giftUnsupported[kind]+hint)
		return
	}
	d := newDraft(start)
	withDefaults(&d.item, p.opt)
	d.item.Domain, d.item.Topic = p.domain, p.topic
	if p.catLine > 0 {
		d.lines["domain"], d.lines["topic"] = p.catLine, p.catLine
	}
	if titled {
		d.title = title
	}
	format, stemText := giftText(stem, "moodle")
	d.item.Stem = stemText
	d.lines["options"], d.lines["type"] = text.ln[open], text.ln[open]
	if hasGeneral {
		_, d.item.Rationale = giftText(general, format)
		d.lines["rationale"] = general.line()
	}
	p.meta(d, comments)
	switch kind {
	case "truefalse":
		p.trueFalse(d, answer, format)
	case "numerical":
		if reason := p.numerical(d, answer, format); reason != "" {
			p.unsupported(start, reason)
			return
		}
	case "matching":
		if reason := p.matching(d, answer, format); reason != "" {
			p.unsupported(start, reason)
			return
		}
	default:
		p.multichoice(d, answer, format)
	}
	p.drafts = append(p.drafts, d)
}

// giftKind is Moodle's choice of question type from the answer block.
func giftKind(answer gspan) (kind, hint string) {
	switch {
	case answer.len() == 0:
		return "essay", ""
	case answer.r[0] == '#' && !answer.esc[0]:
		return "numerical", ""
	case answer.index("~") >= 0:
		return "multichoice", ""
	case answer.index("=") >= 0 && answer.index("->") >= 0:
		return "matching", ""
	}
	check := answer
	if k := answer.index("#"); k > 0 {
		check = answer.sub(0, k).trim()
	}
	switch v := check.String(); v {
	case "T", "TRUE", "F", "FALSE":
		return "truefalse", ""
	default:
		switch strings.ToUpper(v) {
		case "T", "TRUE", "F", "FALSE":
			return "shortanswer", fmt.Sprintf(" (Moodle reads {%s} as a short answer; write {TRUE} or {FALSE} for true/false)", v)
		}
	}
	return "shortanswer", ""
}

// multichoice reads "=right ~wrong ~%50%partly" answers. As in Moodle, an
// unescaped = anywhere starts a new answer, and the question is single
// answer when there is one.
func (p *giftParser) multichoice(d *draft, answer gspan, format string) {
	d.item.Type = Multiple
	if answer.index("=") >= 0 {
		d.item.Type = Single
	}
	for i, a := range splitChoices(answer) {
		a = a.trim()
		key := fmt.Sprintf("options[%d]", i)
		d.lines[key] = a.line()
		weight := 0.0
		if a.len() > 0 && a.r[0] == '=' && !a.esc[0] {
			weight, a = 1, a.sub(1, a.len())
		} else if w, n, ok := giftWeight(a); ok {
			v, err := strconv.ParseFloat(w, 64)
			if err != nil {
				p.errs.add(a.line(), "%s: cannot read the weight %%%s%%", key, w)
				d.bad[key] = true
			}
			weight, a = v/100, a.sub(n, a.len())
		}
		var o Option
		text, feedback := a, gspan{at: a.line()}
		if k := a.index("#"); k >= 0 {
			text, feedback = a.sub(0, k), a.sub(k+1, a.len())
		}
		_, o.Text = giftText(text.trim(), format)
		_, o.Feedback = giftText(feedback.trim(), format)
		if d.item.Type == Single {
			o.Correct = weight >= 1
		} else {
			o.Correct = weight > 0
		}
		d.item.Options = append(d.item.Options, o)
	}
}

// splitChoices splits an answer block before each ~ (dropped) and each =
// (kept), dropping an empty first part: Moodle's explode("~",
// str_replace("=", "~=", …)).
func splitChoices(s gspan) []gspan {
	var out []gspan
	from := 0
	for i := 0; i < s.len(); i++ {
		if s.esc[i] {
			continue
		}
		switch s.r[i] {
		case '~':
			out = append(out, s.sub(from, i))
			from = i + 1
		case '=':
			out = append(out, s.sub(from, i))
			from = i
		}
	}
	out = append(out, s.sub(from, s.len()))
	if first := out[0].trim(); first.len() == 0 {
		out = out[1:]
	} else {
		out[0] = first
	}
	return out
}

// giftWeight matches Moodle's /^%\-*([0-9]{1,2})\.?([0-9]*)%/ and returns
// what lies between the percent signs and the length of the match.
func giftWeight(s gspan) (string, int, bool) {
	r := s.r
	digit := func(i int) bool { return i < len(r) && r[i] >= '0' && r[i] <= '9' }
	if len(r) == 0 || r[0] != '%' {
		return "", 0, false
	}
	i := 1
	for i < len(r) && r[i] == '-' {
		i++
	}
	d := i
	for digit(i) && i-d < 2 {
		i++
	}
	if i == d {
		return "", 0, false
	}
	if i < len(r) && r[i] == '.' {
		i++
	}
	for digit(i) {
		i++
	}
	if i >= len(r) || r[i] != '%' {
		return "", 0, false
	}
	return string(r[1:i]), i + 1, true
}

// trueFalse reads {TRUE#feedback for a wrong answer#feedback for a right
// answer}: Moodle's order, whichever answer is the right one.
func (p *giftParser) trueFalse(d *draft, answer gspan, format string) {
	bits := answer.splitN('#', 3)
	v := bits[0].trim().String()
	isTrue := v == "T" || v == "TRUE"
	var wrong, right string
	if len(bits) > 1 {
		_, wrong = giftText(bits[1].trim(), format)
	}
	if len(bits) > 2 {
		_, right = giftText(bits[2].trim(), format)
	}
	t := Option{Text: "True", Correct: isTrue, Feedback: wrong}
	f := Option{Text: "False", Correct: !isTrue, Feedback: right}
	if isTrue {
		t.Feedback, f.Feedback = right, wrong
	}
	d.item.Type = TrueFalse
	d.item.Options = []Option{t, f}
	d.lines["options[0]"], d.lines["options[1]"] = answer.line(), answer.line()
}

// giftText reads a text with an optional [format] marker (Moodle's
// parse_text_with_format) and returns its format and its Markdown.
func giftText(s gspan, def string) (string, string) {
	format := def
	if s.len() > 0 && s.r[0] == '[' {
		if k := s.index("]"); k > 0 {
			switch name := s.sub(1, k).String(); name {
			case "moodle", "html", "plain", "markdown":
				format, s = name, s.sub(k+1, s.len())
			}
		}
	}
	text := strings.Trim(s.String(), phpSpace)
	switch {
	case format == "plain":
		text = plainToMarkdown(text)
	case format == "html" || format == "moodle" && looksLikeHTML(text):
		text = htmlToMarkdown(text)
	}
	return format, text
}

var giftIDRe = regexp.MustCompile(`\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]`)

// meta reads the comments above a question: Moodle's [id:…] and the
// @key: value lines WriteGIFT writes for what GIFT cannot hold.
func (p *giftParser) meta(d *draft, comments []giftLine) {
	seen := map[string]int{}
	for _, c := range comments {
		if m := giftIDRe.FindStringSubmatch(c.text); m != nil && !d.explicit {
			id := strings.TrimSpace(strings.ReplaceAll(m[1], `\]`, "]"))
			if s := Slug(id); !ValidID(id) && ValidID(s) {
				id = s // Moodle id numbers may hold capitals, dots…
			}
			d.item.ID, d.explicit, d.lines["id"] = id, true, c.n
		}
		m := giftMetaRe.FindStringSubmatch(c.text)
		if m == nil {
			continue
		}
		key, val := strings.ToLower(m[1]), unescapeMeta(strings.TrimSpace(m[2]))
		if first, dup := seen[key]; dup {
			p.errs.addMsg(c.n, codeGIFTMetaTwice.Msg("@%s is given twice for this question (first on line %d)", key, first))
			continue
		}
		seen[key] = c.n
		switch key {
		case "tiers":
			d.item.Tiers = strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
		case "status":
			d.item.Status = Status(val)
		case "source":
			d.item.Source = val
		case "author":
			d.item.Author = val
		case "competency":
			d.item.Competency = val
		case "group":
			d.item.Group = val
		case "unit":
			d.unit = val
		case "exhibit":
			// WriteGIFT's note that the exhibit is part of the stem.
		default:
			p.errs.addMsg(c.n, codeGIFTMetaUnknown.Msg("unknown comment @%s: the ones read are @tiers, @status, @source, @author, @competency, @group and @unit", m[1]))
			continue
		}
		d.lines[key] = c.n
	}
}

// Values in @ comments are one line: \n stands for a line break, \\ for a
// backslash.
func unescapeMeta(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == 'n' || s[i+1] == '\\') {
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
