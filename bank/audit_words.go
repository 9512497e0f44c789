package bank

import (
	"regexp"
	"strings"
)

// The word lists behind the test-wiseness cues (docs/audit.md lists them).
// Words are matched lower-cased and whole; stems match as prefixes so that
// "documented" and "documentation" count as "document".
var (
	// Absolutes and extremes: test-wise candidates rule these options out
	// (Millman, Bishop & Ebel 1965; Haladyna, Downing & Rodriguez 2002).
	auditAbsolutes = wordSet("always", "never", "only", "all", "none", "every", "everyone", "everything",
		"everybody", "immediately", "guarantee", "guarantees", "guaranteed", "must", "completely", "entirely",
		"ignore", "ignores", "ignored", "ignoring", "solely", "nothing", "nobody", "totally", "regardless",
		"permanently", "instantly", "forever", "whatever", "sole", "exclusively", "strictly")
	// Drastic, one-sided moves: the extremes distractors are built from.
	// Read like absolutes by the guesser and the warnings, but not by the
	// giveaway error: "freeze" and "replace" are also plain nouns and verbs.
	auditExtremes = wordSet("replace", "replaces", "freeze", "abandon", "scrap", "eliminate", "ban", "outsource", "override",
		"mandate", "force", "forbid", "delete", "maximum", "maximise", "maximize")
	// Phrases read as one absolute word before matching.
	auditAbsolutePhrases = strings.NewReplacer("at once", "immediately", "right away", "immediately",
		"as soon as possible", "immediately", "no matter", "regardless", "as they are", "completely",
		"in every case", "always", "under no circumstances", "never")
	// Hedges and qualifiers: the mark of a careful, "it depends" answer.
	auditHedges = wordSet("usually", "typically", "generally", "often", "where", "unless", "may", "might",
		"can", "could", "depending", "depends", "likely", "some", "consider", "appropriate", "relevant",
		"if", "when", "whether", "possible", "reasonable", "mainly", "largely", "partly", "jointly")
	// Conjunctions that join clauses: a multi-part option.
	auditConjunctions = wordSet("and", "while", "then", "but", "before", "after", "because", "so", "until",
		"both", "plus", "also", "with")
	// Process words: the balanced, governed, stakeholder-minded answer.
	auditProcessStems = []string{"owner", "date", "review", "document", "agree", "stakeholder", "align",
		"prioriti", "test", "measur", "criteria", "plan", "track", "monitor", "communicat", "baseline",
		"sign-off", "approv", "escalat", "feedback", "iterat", "pilot", "validat", "confirm", "collaborat",
		"consult", "trade", "goal", "agreement", "defin", "joint", "shared", "balanc", "phase"}
	// Function words left out when comparing words across stem and options.
	auditStopWords = wordSet("a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from",
		"and", "or", "but", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that",
		"these", "those", "which", "what", "who", "whom", "whose", "when", "where", "why", "how", "as", "into",
		"their", "they", "them", "you", "your", "we", "our", "has", "have", "had", "do", "does", "did", "can",
		"should", "would", "could", "will", "may", "might", "must", "not", "no", "so", "than", "then", "there",
		"following", "best", "most", "one", "two", "three", "four", "any", "all", "each", "some", "such",
		"select", "choose", "apply", "statement", "option", "answer", "true", "false", "about", "if", "only",
		"more", "less", "very", "also", "other", "its", "it's", "he", "she", "his", "her", "i", "my", "me")
)

func wordSet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// auditLexicon is one language's word lists for reading an option.
type auditLexicon struct {
	absolutes, extremes, hedges, conjunctions map[string]bool
	phrases                                   *strings.Replacer
	processStems                              []string
}

// englishLexicon reads the authored items.
var englishLexicon = auditLexicon{absolutes: auditAbsolutes, extremes: auditExtremes, hedges: auditHedges,
	conjunctions: auditConjunctions, phrases: auditAbsolutePhrases, processStems: auditProcessStems}

// optionCue is what a test-wise reader sees in one option's wording.
type optionCue struct {
	words     int
	chars     int
	absolute  string // the first absolute or extreme word, "" if none
	core      string // the first absolute word of the core list, "" if none
	hedges    int
	conj      int
	punct     int // commas, semicolons, colons and dashes inside the option
	process   int
	qualified float64 // the qualification score (see qualification)
}

// multiPart reports whether the option qualifies or joins anything: the
// opposite of a one-sided option.
func (c optionCue) multiPart() bool { return c.hedges+c.conj+c.punct+c.process > 0 }

// readOption scores one option's wording. Absolutes that the stem uses too
// are ignored: "all" in "Which of these do all SLAs need?" is not a cue.
func readOption(text string, stemWords map[string]bool) optionCue {
	return englishLexicon.readOption(text, stemWords)
}

// readOption scores one option's wording with the lexicon's word lists.
func (lx auditLexicon) readOption(text string, stemWords map[string]bool) optionCue {
	c := optionCue{chars: visibleLen(text)}
	for _, tk := range splitWords(lx.phrases.Replace(strings.ToLower(text))) {
		w := tk.word
		c.words++
		if (lx.absolutes[w] || lx.extremes[w]) && !stemWords[w] && c.absolute == "" {
			c.absolute = w
		}
		if lx.absolutes[w] && !stemWords[w] && c.core == "" {
			c.core = w
		}
		if lx.hedges[w] {
			c.hedges++
		}
		if lx.conjunctions[w] {
			c.conj++
		}
		if hasStem(w, lx.processStems) {
			c.process++
		}
	}
	t := strings.TrimRight(strings.TrimSpace(text), ".,;: ")
	// A comma or colon between digits is a number ("12,5 %" in German,
	// "34,000", "10:30"), not a clause.
	t = digitSeparatorRE.ReplaceAllString(t, "$1$2")
	c.punct = strings.Count(t, ",") + strings.Count(t, ";") + strings.Count(t, ":") + strings.Count(t, " – ") + strings.Count(t, " - ")
	c.qualified = qualification(c)
	return c
}

// qualification is the "most qualified, comprehensive, multi-part" score: a
// point per joining word, clause mark and process word, two per hedge, and
// a tenth of a point per word so that length breaks ties between options
// with the same features. An absolute costs three points: it is what makes
// a distractor one-sided.
func qualification(c optionCue) float64 {
	s := 2*float64(c.hedges) + float64(c.conj) + float64(c.punct) + float64(c.process) + float64(c.words)/10
	if c.absolute != "" {
		s -= 3
	}
	return s
}

func isProcessWord(w string) bool { return hasStem(w, auditProcessStems) }

func hasStem(w string, stems []string) bool {
	for _, p := range stems {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// contentWords returns the distinct content words of s, lightly stemmed
// (plural s dropped), in order.
func contentWords(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, tk := range splitWords(s) {
		w := tk.word
		if len(w) < 3 || auditStopWords[w] {
			continue
		}
		w = stemWord(w)
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// stemWord folds the commonest English endings so that "leads", "lead" and
// "leading" compare equal. It is deliberately crude: it only has to make
// word overlap fair, not produce dictionary stems.
func stemWord(w string) string {
	for _, suf := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) && !strings.HasSuffix(w, "ss") {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

func wordsOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, tk := range splitWords(s) {
		m[tk.word] = true
	}
	return m
}

var digitSeparatorRE = regexp.MustCompile(`([0-9])[,:]([0-9])`)
