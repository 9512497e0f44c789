package bank

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/mopscert/mopscert/apperr"
)

// Severity says what a finding does: errors block activation, warnings are
// shown to authors and reviewers.
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one item-writing problem.
type Finding struct {
	Rule     string   `json:"rule"`            // stable snake_case id, one of the Rule constants
	Severity Severity `json:"severity"`        // error or warning
	Field    string   `json:"field,omitempty"` // "stem", "options[2].text", ...
	Message  string   `json:"message"`         // a plain sentence for authors, starting with the field
	// Msg is the sentence after the field's label as a code and arguments,
	// for web to word per language (no code: Message is all there is).
	Msg apperr.Msg `json:"-"`
}

// Rule ids. They are stable: clients and saved reports refer to them.
const (
	RuleInvalid             = "invalid"                // error: Item.Validate fails for the field
	RuleVendorName          = "vendor_name"            // error: a product or vendor is named
	RuleNegativeStem        = "negative_stem"          // warning: not/except/least... not in bold or capitals
	RuleAllNoneOfTheAbove   = "all_none_of_the_above"  // warning
	RuleLongestKey          = "key_longest_option"     // warning: the key stands out by length
	RuleAbsoluteDistractor  = "absolute_in_distractor" // warning: always/never/... only in wrong options
	RuleStemTooShort        = "stem_too_short"         // warning
	RuleStemTooLong         = "stem_too_long"          // warning
	RuleOptionRepeatsStem   = "option_repeats_stem"    // warning
	RuleMissingRationale    = "missing_rationale"      // warning
	RuleMissingSource       = "missing_source"         // warning
	RuleSelectCountMissing  = "select_count_missing"   // warning: multiple-answer stem does not say how many
	RuleSelectCountMismatch = "select_count_mismatch"  // warning: it asks for N options, another number are correct
	RuleDuplicateStem       = "duplicate_stem"         // error (Bank): same normalized stem as another item
	RuleNearDuplicateStem   = "near_duplicate_stem"    // warning (Bank): word-bigram Jaccard ≥ 0.8
)

// Thresholds, chosen so that ordinary well-written items pass.
const (
	minStemWords = 4   // "What is lead scoring?" passes; "Define MQL." does not
	maxStemWords = 200 // past this an item tests reading speed
	// The key is flagged as the odd one out when it is the longest option,
	// at least keyLenRatio times the mean distractor length, and at least
	// keyLenMargin characters longer than that mean. Both are needed: the
	// ratio alone fires on short options ("CRM" vs "A CDP"), the margin alone
	// on long ones where 20 characters is noise.
	keyLenRatio  = 1.5
	keyLenMargin = 20
	// An option repeats the stem when it holds this share of the stem's
	// content words, for stems with at least stemEchoMinWords of them.
	stemEchoShare    = 0.75
	stemEchoMinWords = 4
)

// Linter checks items against the item-writing rules. Build it with
// NewLinter; it is read-only afterwards and safe for concurrent use.
type Linter struct {
	vendors map[string][]vendorName // keyed by the first word of the name
	// Strict makes a missing competency an error on active items. Set it
	// before use; the shipped bank's test lints with it, while imported
	// banks that predate the competency framework may still load without.
	Strict bool
}

type vendorName struct {
	name  string   // as configured, for messages
	words []string // lower-cased words, matched in sequence
}

// NewLinter returns a Linter flagging the given vendor and product names.
// A nil list means DefaultVendorNames; an empty, non-nil list turns the
// vendor rule off.
func NewLinter(vendors []string) *Linter {
	if vendors == nil {
		vendors = DefaultVendorNames()
	}
	l := &Linter{vendors: map[string][]vendorName{}}
	for _, v := range vendors {
		var words []string
		for _, tk := range splitWords(v) {
			words = append(words, tk.word)
		}
		if len(words) > 0 {
			l.vendors[words[0]] = append(l.vendors[words[0]], vendorName{strings.TrimSpace(v), words})
		}
	}
	return l
}

// ActivationCheck returns ErrLintBlocks, with each error finding by field,
// when the item's lint errors must keep it from becoming active. It fits
// Store.ActivationCheck.
func (l *Linter) ActivationCheck(it *Item) error {
	fields := map[string]string{}
	for _, f := range l.Item(it) {
		if f.Severity != SeverityError {
			continue
		}
		key := f.Field
		if key == "" {
			key = f.Rule
		}
		if prev, ok := fields[key]; ok {
			fields[key] = prev + " " + f.Message
		} else {
			fields[key] = f.Message
		}
	}
	if len(fields) == 0 {
		return nil
	}
	e := *ErrLintBlocks
	e.Fields = fields
	return &e
}

// HasErrors reports whether any finding blocks activation.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Item runs the rules that need only the item itself, in a fixed order.
func (l *Linter) Item(it *Item) []Finding {
	if it == nil {
		return nil
	}
	var fs []Finding
	add := func(rule string, sev Severity, field string, m apperr.Msg) {
		fs = append(fs, finding(rule, sev, field, m))
	}

	if err := it.Validate(); err != nil {
		e, ok := apperr.As(err)
		if !ok || len(e.Fields) == 0 {
			fs = append(fs, Finding{Rule: RuleInvalid, Severity: SeverityError, Message: err.Error()})
		} else {
			keys := make([]string, 0, len(e.Fields))
			for k := range e.Fields {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				m, ok := e.FieldMsgs[k]
				if !ok {
					m = apperr.Msg{Message: e.Fields[k]}
				}
				add(RuleInvalid, SeverityError, k, m)
			}
		}
	}

	for _, f := range lintFields(it) {
		for _, name := range l.vendorsIn(f.text) {
			add(RuleVendorName, SeverityError, f.key(), codeLintVendor.Msg(
				"Names the vendor “%s”. The exam is vendor-neutral: name the kind of tool instead (for example “marketing automation platform” or “CRM”).", name))
		}
	}

	fs = append(fs, competencyFindings(it, l.Strict)...)
	// The audit's near-certain giveaways block activation like lint errors;
	// its warnings live in the audit report only.
	for _, a := range ItemAuditErrors(it) {
		fs = append(fs, finding(a.Rule, a.Severity, "options", apperr.Msg{Message: a.Message + " (" + a.Evidence + ")"}))
	}

	if word, ok := unemphasizedNegative(it.Stem); ok {
		add(RuleNegativeStem, SeverityWarning, "stem", codeLintNegative.Msg(
			"The negative “%s” is easy to miss. Write it in **bold** or CAPITALS, or ask the question positively.", word))
	}

	stemWords := splitWords(it.Stem)
	if it.Type != TrueFalse && it.Stem != "" {
		switch n := len(stemWords); {
		case n < minStemWords:
			add(RuleStemTooShort, SeverityWarning, "stem", codeLintStemShort.Msg(
				"Only %d words. Pose a complete question of at least %d words that could be answered without seeing the options.", n, minStemWords))
		case n > maxStemWords:
			add(RuleStemTooLong, SeverityWarning, "stem", codeLintStemLong.Msg(
				"%d words. Keep it under %d so the item tests knowledge, not reading speed.", n, maxStemWords))
		}
	}

	if it.Type != TrueFalse {
		fs = append(fs, optionFindings(it, stemWords)...)
	}

	if it.Type == Multiple {
		if n, stated := statedCount(it.Stem); !stated {
			add(RuleSelectCountMissing, SeverityWarning, "stem", codeLintSelectMissing.Msg(
				"A multiple-answer stem should say how many options to choose (“Select two.” or “Select all that apply.”)."))
		} else if c := len(it.Correct()); n > 0 && c > 0 && n != c {
			add(RuleSelectCountMismatch, SeverityWarning, "stem", codeLintSelectMismatch.Msg(
				"Asks for %d options but %d are marked correct.", n, c))
		}
	}

	if strings.TrimSpace(it.Rationale) == "" {
		add(RuleMissingRationale, SeverityWarning, "rationale", codeLintRationale.Msg(
			"Missing. Explain why the key is right and each distractor wrong; reviewers and candidate feedback rely on it."))
	}
	if strings.TrimSpace(it.Source) == "" {
		add(RuleMissingSource, SeverityWarning, "source", codeLintSource.Msg(
			"Missing. Cite where the content comes from so reviewers can check it."))
	}
	return fs
}

// lintField is one piece of author-written Markdown: the stem, the
// rationale, or the text or feedback of option opt.
type lintField struct {
	opt        int // -1 when not an option
	part, text string
}

// key formats the field name only when a finding needs it.
func (f lintField) key() string {
	if f.opt < 0 {
		return f.part
	}
	return optionKey(f.opt, f.part)
}

func optionKey(i int, part string) string {
	return "options[" + strconv.Itoa(i) + "]." + part
}

func lintFields(it *Item) []lintField {
	fs := make([]lintField, 0, 2+2*len(it.Options))
	fs = append(fs, lintField{-1, "stem", it.Stem})
	for i, o := range it.Options {
		fs = append(fs, lintField{i, "text", o.Text})
		if o.Feedback != "" {
			fs = append(fs, lintField{i, "feedback", o.Feedback})
		}
		if o.Match != "" {
			fs = append(fs, lintField{i, "match", o.Match})
		}
	}
	if it.Exhibit != "" {
		fs = append(fs, lintField{-1, "exhibit", it.Exhibit})
	}
	return append(fs, lintField{-1, "rationale", it.Rationale})
}

var findingFieldRe = regexp.MustCompile(`^(options|tiers)\[(\d+)\](?:\.(text|feedback|match))?$`)

// findingLabel names a field for people: "options[2].text" is "Option 3",
// "translations.de.stem" is "German stem".
func findingLabel(key string) string {
	if rest, ok := strings.CutPrefix(key, "translations.de."); ok {
		l := findingLabel(rest)
		return "German " + strings.ToLower(l[:1]) + l[1:]
	}
	if m := findingFieldRe.FindStringSubmatch(key); m != nil {
		n, _ := strconv.Atoi(m[2])
		switch {
		case m[1] == "tiers":
			return fmt.Sprintf("Tier %d", n+1)
		case m[3] == "feedback":
			return fmt.Sprintf("Feedback on option %d", n+1)
		case m[3] == "match":
			return fmt.Sprintf("Match of option %d", n+1)
		default:
			return fmt.Sprintf("Option %d", n+1)
		}
	}
	switch key {
	case "":
		return "Item"
	case "id":
		return "ID"
	}
	return strings.ToUpper(key[:1]) + key[1:]
}

// wordTok is one word of a text: a run of letters and digits.
type wordTok struct {
	start, end int    // byte offsets in the text
	word       string // lower-cased
}

// nextWord returns the bounds of the first word at or after byte i, or
// start < 0 when there is none. It allocates nothing, so vendorsIn can scan
// every field of a 10,000-item bank cheaply.
func nextWord(s string, i int) (start, end int) {
	start = -1
	for i < len(s) {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if isAlnum(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			return start, i
		}
		i += size
	}
	if start < 0 {
		return -1, -1
	}
	return start, len(s)
}

func isAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func splitWords(s string) []wordTok {
	n := 0
	for st, e := nextWord(s, 0); st >= 0; st, e = nextWord(s, e) {
		n++
	}
	toks := make([]wordTok, 0, n)
	for st, e := nextWord(s, 0); st >= 0; st, e = nextWord(s, e) {
		toks = append(toks, wordTok{st, e, strings.ToLower(s[st:e])})
	}
	return toks
}

var (
	negativeWords = map[string]bool{"not": true, "except": true, "least": true, "cannot": true, "never": true}
	// Phrases where the negative word does not negate the question.
	negativeIdioms = map[string]bool{"or not": true, "at least": true, "if not": true}
)

// unemphasizedNegative finds a negative word in the question sentence of a
// stem ("Which of these is NOT…?", "All of the following EXCEPT:") that is
// neither in capitals nor in **bold**; italics are too easy to miss.
// Negatives in the scenario before the question ("The campaign did not
// convert.") are fine: they do not turn the question around.
func unemphasizedNegative(stem string) (string, bool) {
	from, to := questionSentence(stem)
	toks := splitWords(stem[from:to])
	type hit struct{ start, end int }
	var hits []hit
	for i, tk := range toks {
		start, end := from+tk.start, from+tk.end
		neg := negativeWords[tk.word]
		if !neg && strings.HasSuffix(tk.word, "n") { // isn't, don't, can't
			for _, ap := range []string{"'t", "’t"} {
				if strings.HasPrefix(stem[end:], ap) && (len(stem) == end+len(ap) || !isAlnumByte(stem[end+len(ap)])) {
					neg, end = true, end+len(ap)
				}
			}
		}
		if !neg || i > 0 && negativeIdioms[toks[i-1].word+" "+tk.word] {
			continue
		}
		if w := stem[start:end]; strings.ToUpper(w) == w {
			continue
		}
		hits = append(hits, hit{start, end})
	}
	if len(hits) == 0 {
		return "", false
	}
	// Only now pay for a Markdown parse, to see what is emphasized.
	src := []byte(stem)
	var emph []hit
	_ = ast.Walk(mdConverter.Parser().Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering {
			for p := n.Parent(); p != nil; p = p.Parent() {
				if e, ok := p.(*ast.Emphasis); ok && e.Level >= 2 {
					emph = append(emph, hit{t.Segment.Start, t.Segment.Stop})
					break
				}
			}
		}
		return ast.WalkContinue, nil
	})
next:
	for _, h := range hits {
		for _, e := range emph {
			if h.start >= e.start && h.start < e.end {
				continue next
			}
		}
		return stem[h.start:h.end], true
	}
	return "", false
}

func isAlnumByte(b byte) bool {
	return b >= 0x80 || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// questionSentence returns the byte range of the sentence holding the last
// question mark, or of the last sentence when there is none.
func questionSentence(s string) (from, to int) {
	to = strings.LastIndexByte(s, '?') + 1
	if to == 0 {
		to = len(strings.TrimRightFunc(s, unicode.IsSpace))
	}
	for i := to - 2; i > 0; i-- {
		if s[i] == '\n' || (s[i] == ' ' && strings.IndexByte(".!?", s[i-1]) >= 0) {
			return i + 1, to
		}
	}
	return 0, to
}

var (
	// Words that make an option obviously wrong to test-wise candidates.
	absoluteWords = map[string]bool{"always": true, "never": true, "all": true, "none": true, "every": true, "everyone": true, "everything": true}
	// Function words left out when comparing an option with the stem.
	echoStopWords = map[string]bool{
		"the": true, "and": true, "for": true, "are": true, "was": true, "were": true, "with": true, "that": true,
		"this": true, "these": true, "those": true, "which": true, "what": true, "when": true, "who": true,
		"why": true, "how": true, "from": true, "into": true, "its": true, "their": true, "they": true,
		"you": true, "your": true, "has": true, "have": true, "does": true, "did": true, "can": true,
		"should": true, "would": true, "could": true, "will": true, "following": true, "best": true,
		"most": true, "not": true, "one": true, "any": true, "all": true, "but": true, "than": true,
	}
)

// ofTheAbove finds "all of the above", "none of these" and the like, the
// words possibly wrapped in Markdown emphasis.
func ofTheAbove(s string, toks []wordTok) (string, bool) {
	for i := 0; i+2 < len(toks); i++ {
		switch toks[i].word {
		case "all", "none", "both", "neither":
		default:
			continue
		}
		j := i + 1
		if toks[j].word != "of" {
			continue
		}
		if j++; toks[j].word == "the" && j+1 < len(toks) {
			j++
		}
		switch toks[j].word {
		case "above", "these", "those", "options", "answers":
			return s[toks[i].start:toks[j].end], true
		}
	}
	return "", false
}

// optionFindings checks the options of a single or multiple item.
func optionFindings(it *Item, stemWords []wordTok) []Finding {
	var fs []Finding
	add := func(rule, field string, m apperr.Msg) {
		fs = append(fs, finding(rule, SeverityWarning, field, m))
	}
	// A word the question itself uses (in the stem or its exhibit) is
	// context, not a cue: "~all" in an SPF record shown to the candidate.
	exhibitWords := splitWords(it.Exhibit)
	inStem := func(w string) bool {
		is := func(t wordTok) bool { return t.word == w }
		return slices.ContainsFunc(stemWords, is) || slices.ContainsFunc(exhibitWords, is)
	}
	var stemContent []string
	for _, tk := range stemWords {
		if len(tk.word) > 2 && !echoStopWords[tk.word] && !slices.Contains(stemContent, tk.word) {
			stemContent = append(stemContent, tk.word)
		}
	}

	type absolute struct {
		opt  int
		word string
	}
	var keyAbs bool
	var distractorAbs []absolute
	var words []string
	for i, o := range it.Options {
		toks := splitWords(o.Text)
		if m, ok := ofTheAbove(o.Text, toks); ok {
			add(RuleAllNoneOfTheAbove, optionKey(i, "text"), codeLintAllNone.Msg(
				"“%s” lets candidates answer from partial knowledge and breaks when options are shuffled. Write a specific option instead.", m))
			continue
		}
		words = words[:0]
		for _, tk := range toks {
			words = append(words, tk.word)
			if absoluteWords[tk.word] && !inStem(tk.word) {
				if o.Correct {
					keyAbs = true
				} else if len(distractorAbs) == 0 || distractorAbs[len(distractorAbs)-1].opt != i {
					distractorAbs = append(distractorAbs, absolute{i, tk.word})
				}
			}
		}
		if len(stemContent) >= stemEchoMinWords {
			shared := 0
			for _, w := range stemContent {
				if slices.Contains(words, w) {
					shared++
				}
			}
			if float64(shared) >= stemEchoShare*float64(len(stemContent)) {
				add(RuleOptionRepeatsStem, optionKey(i, "text"), codeLintRepeatsStem.Msg(
					"Repeats %d of the stem's %d key words. An option that echoes the stem cues the answer; say it in its own words.", shared, len(stemContent)))
			}
		}
	}
	// Ordering and matching options are all part of the answer: none is a
	// distractor, so there is no key for a cue to point at.
	if !keyAbs && it.Type != Ordering && it.Type != Matching {
		for _, a := range distractorAbs {
			add(RuleAbsoluteDistractor, optionKey(a.opt, "text"), codeLintAbsolute.Msg(
				"“%s” appears only in wrong options, which test-wise candidates rule out. Qualify it, or word a correct option as firmly.", a.word))
		}
	}
	if f, ok := keyLengthFinding(it); ok {
		fs = append(fs, f)
	}
	return fs
}

// keyLengthFinding flags a key (or, for multiple items, a set of keys) that
// stands out as the longest option.
func keyLengthFinding(it *Item) (Finding, bool) {
	var keys, others []int
	keyField := "options"
	for i, o := range it.Options {
		n := visibleLen(o.Text)
		if o.Correct {
			keys = append(keys, n)
			keyField = optionKey(i, "text")
		} else {
			others = append(others, n)
		}
	}
	if len(keys) == 0 || len(others) == 0 {
		return Finding{}, false
	}
	if len(keys) > 1 {
		keyField = "options"
	}
	minKey, keyMean := keys[0], 0.0
	for _, n := range keys {
		minKey = min(minKey, n)
		keyMean += float64(n)
	}
	keyMean /= float64(len(keys))
	maxOther, mean := 0, 0.0
	for _, n := range others {
		maxOther = max(maxOther, n)
		mean += float64(n)
	}
	mean /= float64(len(others))
	if minKey <= maxOther || keyMean < keyLenRatio*mean || keyMean-mean < keyLenMargin {
		return Finding{}, false
	}
	// Whole characters, rounded as %.0f rounds, so the arguments print as
	// the English sentence did.
	return finding(RuleLongestKey, SeverityWarning, keyField, codeLintLongestKey.Msg(
		"The correct option is the longest by far (%d characters against an average of %d for the others), which gives it away. Trim it or develop the distractors.",
		int(math.RoundToEven(keyMean)), int(math.RoundToEven(mean)))), true
}

// visibleLen counts characters with each run of white space as one, so line
// breaks and indentation in the YAML do not count as length.
func visibleLen(s string) int {
	n, space := 0, false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			n++
			space = false
		}
		n++
	}
	return n
}

var (
	selectCountWords = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
	selectCountRe    = regexp.MustCompile(`(?i)\b(?:(?:select|choose|pick|mark|tick|check|identify|name)\s+(?:the\s+|exactly\s+|any\s+)?|which\s+)(\d|one|two|three|four|five|six|seven|eight)\b`)
	selectAllRe      = regexp.MustCompile(`(?i)\ball\s+(?:that|which|answers\s+that|options\s+that)\s+apply\b|\b(?:select|choose|mark)\s+(?:all|every)\s+(?:the\s+)?correct\b`)
)

// statedCount reads how many options a multiple-answer stem asks for: n > 0
// for "Select two" or "Which three…", 0 with stated true for "Select all
// that apply".
func statedCount(stem string) (n int, stated bool) {
	plain := strings.NewReplacer("*", "", "_", "").Replace(stem)
	if m := selectCountRe.FindStringSubmatch(plain); m != nil {
		if v, ok := selectCountWords[strings.ToLower(m[1])]; ok {
			return v, true
		}
		v, _ := strconv.Atoi(m[1])
		return v, true
	}
	return 0, selectAllRe.MatchString(plain)
}
