package bank

import (
	"fmt"
	"math"
	"strings"
)

// Thresholds of the per-item cues.
const (
	// The key is "most qualified" when its score beats the best distractor's
	// by this much: a full hedge, process word or clause, not just length.
	qualifiedMargin = 1.0
	// The key is clearly the longest when it is this much longer than the
	// next option.
	longestRatio = 1.15
	// Words in more than this share of a bank's stems (in banks of at least
	// clangMinStems) are the subject matter, not a clang: "lead", "campaign".
	clangMaxDocShare = 0.08
	clangMinStems    = 30
)

// itemCues returns the per-item cues of one item. df is the share of the
// bank's stems each stemmed word occurs in (nil: no word is too common).
func itemCues(it *Item, df map[string]float64) []AuditFinding {
	out := itemCuesIn(it, df, englishLexicon, "")
	for _, lang := range variantLanguages(it) {
		out = append(out, itemCuesIn(it.Localized(lang), nil, auditLexicons[lang], lang)...)
	}
	return out
}

// variantLanguages lists the item's variant languages the audit has word
// lists for, sorted.
func variantLanguages(it *Item) []string {
	var out []string
	for _, l := range VariantLanguages {
		if _, ok := it.Translations[l]; ok {
			if _, ok := auditLexicons[l]; ok {
				out = append(out, l)
			}
		}
	}
	return out
}

// itemCuesIn reads the cues of it in one language: lang "" is the authored
// English with every rule; a variant gets the rules that rest on the word
// lists and lengths (giveaway, most qualified, longest, absolutes), since
// the grammar, clang, convergence and true/false rules are English-specific.
// Variant findings carry Language and name it in their evidence.
func itemCuesIn(it *Item, df map[string]float64, lx auditLexicon, lang string) []AuditFinding {
	if !choosable(it) || len(it.Options) < 2 {
		return nil
	}
	if it.Type == TrueFalse && lang != "" {
		return nil
	}
	if it.Type == TrueFalse {
		if f, ok := trueFalseWording(it); ok {
			return []AuditFinding{f}
		}
		return nil
	}
	stemWords := wordsOf(it.Stem)
	cues := make([]optionCue, len(it.Options))
	for i, o := range it.Options {
		cues[i] = lx.readOption(o.Text, stemWords)
	}
	var keys, dis []int
	for i, o := range it.Options {
		if o.Correct {
			keys = append(keys, i)
		} else {
			dis = append(dis, i)
		}
	}
	if len(keys) == 0 || len(dis) == 0 {
		return nil
	}
	var out []AuditFinding
	defer func() {
		if lang == "" {
			return
		}
		for i := range out {
			out[i].Language = lang
			out[i].Evidence = lang + " variant: " + out[i].Evidence
		}
	}()
	add := func(rule string, sev Severity, msg, evidence string) {
		out = append(out, AuditFinding{ItemID: it.ID, Rule: rule, Severity: sev, Message: msg, Evidence: evidence})
	}
	if f, ok := giveaway(it, cues); ok {
		out = append(out, f)
	}

	// Most qualified: every key beats every distractor by a margin, and no
	// distractor is hedged or multi-part (or it carries an absolute).
	minKeyQ, maxDisQ := math.Inf(1), math.Inf(-1)
	oneSided := true
	for _, k := range keys {
		minKeyQ = math.Min(minKeyQ, cues[k].qualified)
	}
	for _, d := range dis {
		maxDisQ = math.Max(maxDisQ, cues[d].qualified)
		if cues[d].multiPart() && cues[d].absolute == "" {
			oneSided = false
		}
	}
	if minKeyQ-maxDisQ >= qualifiedMargin && oneSided {
		add(AuditKeyMostQualified, SeverityWarning,
			"The key is the most qualified, multi-part option and every distractor is one-sided: a test-wise candidate picks it without knowing the subject. Give distractors the same care and qualification as the key, or make the key as plain as they are.",
			fmt.Sprintf("key %s; best distractor scores %.1f", describeCue(cues[keys[0]]), maxDisQ))
	}

	// Longest: the shortest key is clearly longer than the longest distractor.
	minKeyLen, maxDisLen := math.MaxInt, 0
	for _, k := range keys {
		minKeyLen = min(minKeyLen, cues[k].chars)
	}
	for _, d := range dis {
		maxDisLen = max(maxDisLen, cues[d].chars)
	}
	if float64(minKeyLen) >= longestRatio*float64(maxDisLen) {
		add(AuditKeyLongest, SeverityWarning,
			"The key is the longest option by a clear margin; candidates learn to pick the longest answer. Balance the lengths.",
			fmt.Sprintf("key %d characters, longest distractor %d", minKeyLen, maxDisLen))
	}

	// Absolutes only in distractors.
	keyAbs := false
	for _, k := range keys {
		keyAbs = keyAbs || cues[k].absolute != ""
	}
	if !keyAbs {
		var words []string
		for _, d := range dis {
			if cues[d].absolute != "" {
				words = append(words, fmt.Sprintf("option %d “%s”", d+1, cues[d].absolute))
			}
		}
		if len(words) > 0 {
			add(AuditAbsolutes, SeverityWarning,
				"Absolute words appear only in wrong options, so a test-wise candidate rules those out. Word a key as firmly, or qualify the distractors.",
				strings.Join(words, ", "))
		}
	}

	if it.Type == Single && lang == "" {
		if ev, ok := grammarCue(it, keys[0]); ok {
			add(AuditGrammar, SeverityWarning,
				"Only some options fit the stem grammatically (a/an, singular/plural), and the key is among them. Make every option fit, or end the stem so that none is ruled out.", ev)
		}
		if ev, ok := clangCue(it, keys[0], df); ok {
			add(AuditClang, SeverityWarning,
				"The key repeats a word of the stem that no distractor repeats (a “clang” association). Reword the key or let distractors use the word too.", ev)
		}
		if ev, ok := convergenceCue(it, keys[0]); ok {
			add(AuditConvergence, SeverityWarning,
				"The key shares the most words with the other options: distractors written as variations of the key let candidates converge on it. Vary the distractors.", ev)
		}
	}
	return out
}

// giveaway is the one per-item error: the key is the only option without an
// absolute, uniquely longest, and the most qualified. Each alone is a
// warning; together they are a near-certain giveaway, so the item may not be
// activated.
func giveaway(it *Item, cues []optionCue) (AuditFinding, bool) {
	if it.Type != Single || len(it.Options) < 3 {
		return AuditFinding{}, false
	}
	k := it.Correct()
	if len(k) != 1 {
		return AuditFinding{}, false
	}
	key := cues[k[0]]
	if key.absolute != "" {
		return AuditFinding{}, false
	}
	for i, c := range cues {
		if i == k[0] {
			continue
		}
		if c.core == "" || c.chars >= key.chars || c.qualified >= key.qualified {
			return AuditFinding{}, false
		}
	}
	return AuditFinding{ItemID: it.ID, Rule: AuditKeyGiveaway, Severity: SeverityError,
		Message:  "The key is the only option without an absolute word, the longest and the most qualified: it can be picked without reading the stem. Rewrite the distractors (or the key) before activating.",
		Evidence: "key " + describeCue(key)}, true
}

func describeCue(c optionCue) string {
	var parts []string
	if c.hedges > 0 {
		parts = append(parts, fmt.Sprintf("%d hedges", c.hedges))
	}
	if c.conj > 0 {
		parts = append(parts, fmt.Sprintf("%d joining words", c.conj))
	}
	if c.punct > 0 {
		parts = append(parts, fmt.Sprintf("%d clause marks", c.punct))
	}
	if c.process > 0 {
		parts = append(parts, fmt.Sprintf("%d process words", c.process))
	}
	parts = append(parts, fmt.Sprintf("%d words", c.words))
	return fmt.Sprintf("scores %.1f (%s)", c.qualified, strings.Join(parts, ", "))
}

// The hedges and absolutes that decide a true/false statement for a
// test-wise reader: sweeping claims are false, careful ones true.
var (
	tfHedges = wordSet("usually", "typically", "generally", "often", "sometimes", "may", "might", "can", "could",
		"depending", "depends", "likely", "some", "unless", "mainly", "largely", "partly", "tends", "tend", "frequently")
)

// tfPrediction reads a true/false stem as a test-wise candidate does: true
// (+1) when hedged, false (-1) when absolute, 0 when both or neither.
func tfPrediction(stem string) (int, string) {
	abs, hedge := "", ""
	for _, tk := range splitWords(stem) {
		if auditAbsolutes[tk.word] && abs == "" {
			abs = tk.word
		}
		if tfHedges[tk.word] && hedge == "" {
			hedge = tk.word
		}
	}
	switch {
	case abs != "" && hedge == "":
		return -1, abs
	case hedge != "" && abs == "":
		return 1, hedge
	}
	return 0, ""
}

func tfKey(it *Item) int {
	for _, o := range it.Options {
		if o.Correct {
			if strings.EqualFold(o.Text, "true") {
				return 1
			}
			return -1
		}
	}
	return 0
}

func trueFalseWording(it *Item) (AuditFinding, bool) {
	pred, word := tfPrediction(it.Stem)
	if pred == 0 || pred != tfKey(it) {
		return AuditFinding{}, false
	}
	key := "True"
	if pred < 0 {
		key = "False"
	}
	return AuditFinding{ItemID: it.ID, Rule: AuditTrueFalseWording, Severity: SeverityWarning,
		Message:  "The wording answers the item: absolute statements are usually false and hedged ones true, and this one follows the pattern. Word false statements carefully and true ones firmly, sometimes.",
		Evidence: fmt.Sprintf("“%s” → %s, and the key is %s", word, key, key)}, true
}

// grammarCue finds a stem ending in "a"/"an" or "is"/"are" (a sentence to
// complete) where the key fits and at least one distractor does not.
func grammarCue(it *Item, key int) (string, bool) {
	toks := splitWords(it.Stem)
	if len(toks) == 0 {
		return "", false
	}
	tail := strings.TrimRight(it.Stem[toks[len(toks)-1].end:], " _.…:\n\t")
	if tail != "" { // a question mark or more text: not a completion stem
		return "", false
	}
	last := toks[len(toks)-1].word
	var fits func(string) bool
	switch last {
	case "a", "an":
		fits = func(opt string) bool { return (last == "an") == vowelSound(opt) }
	case "is", "was":
		fits = func(opt string) bool { return !pluralStart(opt) }
	case "are", "were":
		fits = func(opt string) bool { return pluralStart(opt) }
	default:
		return "", false
	}
	if !fits(it.Options[key].Text) {
		return "", false
	}
	var misfits []string
	for i, o := range it.Options {
		if i != key && !fits(o.Text) {
			misfits = append(misfits, fmt.Sprintf("option %d", i+1))
		}
	}
	if len(misfits) == 0 {
		return "", false
	}
	return fmt.Sprintf("the stem ends in “%s”; %s do not fit it", last, strings.Join(misfits, ", ")), true
}

func firstWord(s string) string {
	if t := splitWords(s); len(t) > 0 {
		return t[0].word
	}
	return ""
}

// vowelSound guesses whether a phrase starts with a vowel sound, with the
// usual exceptions ("an hour", "a user", "a one-off", "an SLA").
func vowelSound(s string) bool {
	w := firstWord(s)
	if w == "" {
		return false
	}
	for _, p := range []string{"hour", "honest", "honour", "honor", "heir"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	for _, p := range []string{"uni", "use", "usu", "one", "once", "eu", "ur"} {
		if strings.HasPrefix(w, p) {
			return false
		}
	}
	// Acronyms read letter by letter: "an SLA", "an MQL", "a CRM".
	if t := strings.TrimSpace(s); len(w) >= 2 && len(t) >= len(w) && strings.ToUpper(t[:len(w)]) == t[:len(w)] {
		return strings.ContainsRune("aefhilmnorsx", rune(w[0]))
	}
	return strings.ContainsRune("aeiou", rune(w[0]))
}

func pluralStart(s string) bool {
	w := firstWord(s)
	return len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us")
}

// clangCue finds content words of the stem that the key repeats and no
// distractor does.
func clangCue(it *Item, key int, df map[string]float64) (string, bool) {
	stem := map[string]bool{}
	for _, w := range contentWords(it.Stem) {
		if df == nil || df[w] <= clangMaxDocShare {
			stem[w] = true
		}
	}
	inDistractor := map[string]bool{}
	for i, o := range it.Options {
		if i != key {
			for _, w := range contentWords(o.Text) {
				inDistractor[w] = true
			}
		}
	}
	var hits []string
	for _, w := range contentWords(it.Options[key].Text) {
		if stem[w] && !inDistractor[w] && len(w) >= 4 {
			hits = append(hits, w)
		}
	}
	if len(hits) == 0 {
		return "", false
	}
	return "the key alone repeats “" + strings.Join(hits, "”, “") + "” from the stem", true
}

// convergenceCue: the key shares strictly the most content words with the
// other options, and at least two.
func convergenceCue(it *Item, key int) (string, bool) {
	if len(it.Options) < 4 {
		return "", false
	}
	sets := make([]map[string]bool, len(it.Options))
	for i, o := range it.Options {
		sets[i] = map[string]bool{}
		for _, w := range contentWords(o.Text) {
			sets[i][w] = true
		}
	}
	shared := make([]int, len(sets))
	for i := range sets {
		for j := range sets {
			if i == j {
				continue
			}
			for w := range sets[i] {
				if sets[j][w] {
					shared[i]++
				}
			}
		}
	}
	next := 0
	for i, n := range shared {
		if i != key {
			next = max(next, n)
		}
	}
	if shared[key] < 2 || shared[key] <= next {
		return "", false
	}
	return fmt.Sprintf("the key shares %d words with the other options, the next option %d", shared[key], next), true
}

// stemDocFreq is the share of stems holding each stemmed content word, for
// banks large enough for the share to mean something.
func stemDocFreq(items []*Item) map[string]float64 {
	if len(items) < clangMinStems {
		return nil
	}
	n := map[string]int{}
	for _, it := range items {
		for _, w := range contentWords(it.Stem) {
			n[w]++
		}
	}
	df := make(map[string]float64, len(n))
	for w, c := range n {
		df[w] = float64(c) / float64(len(items))
	}
	return df
}

// ItemAuditErrors returns the audit findings on one item that block its
// activation: the near-certain giveaways only.
func ItemAuditErrors(it *Item) []AuditFinding {
	if it == nil || it.Type != Single {
		return nil
	}
	var out []AuditFinding
	for _, f := range itemCues(it, nil) {
		if f.Rule == AuditKeyGiveaway {
			out = append(out, f)
		}
	}
	return out
}
