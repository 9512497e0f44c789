package mail

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Words the renderer builds from codes and arguments, per language. The
// domain packages enqueue plain values (an outcome, a status, a date in the
// English long form); these put them into the reader's language. Unknown
// languages read as English.

// revokeReasons finish "… was revoked because …" per public reason code
// (exam/cert); "other" is also the wording of any unknown code.
var revokeReasons = map[string]map[string]string{
	"en": {
		"issued_in_error": "it was issued in error",
		"misconduct":      "of a breach of the exam rules",
		"holder_request":  "you asked for it",
		"regrade":         "a question was regraded and the result changed",
		"other":           "of a decision by the certification team",
	},
	"de": {
		"issued_in_error": "es irrtümlich ausgestellt wurde",
		"misconduct":      "gegen die Prüfungsregeln verstoßen wurde",
		"holder_request":  "Sie darum gebeten haben",
		"regrade":         "eine Frage neu bewertet wurde und sich das Ergebnis geändert hat",
		"other":           "das Zertifizierungsteam so entschieden hat",
	},
}

// outcomes word a result's outcome as enqueued ("passed", "did not pass";
// "failed" too, the exam package's code). German needs the whole predicate
// at the end of the sentence: "Sie haben mit 72 % bestanden".
var outcomes = map[string]map[string]string{
	"de": {"passed": "bestanden", "did not pass": "nicht bestanden", "failed": "nicht bestanden"},
}

// decisions word a name-change decision ("approved", "rejected").
var decisions = map[string]map[string]string{
	"de": {"approved": "angenommen", "rejected": "abgelehnt"},
}

var months = map[string][12]string{
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
}

// englishDate is how the domain packages write a date into the arguments.
const englishDate = "2 January 2006"

// wordsFuncs are the template functions of one language.
func wordsFuncs(lang string) map[string]any {
	return map[string]any{
		"reason": func(code string) string {
			m := revokeReasons[lang]
			if m == nil {
				m = revokeReasons["en"]
			}
			if w, ok := m[code]; ok {
				return w
			}
			return m["other"]
		},
		"outcome":  func(v string) string { return lookup(outcomes, lang, v) },
		"decision": func(v string) string { return lookup(decisions, lang, v) },
		"date":     func(v string) string { return localDate(lang, v) },
		"number":   func(v string) string { return localNumber(lang, v) },
	}
}

// lookup words v in lang, or leaves it as it is (English, or a value the
// table does not know, which is better shown than dropped).
func lookup(tables map[string]map[string]string, lang, v string) string {
	if w, ok := tables[lang][v]; ok {
		return w
	}
	return v
}

// localDate rewrites an English long date ("2 December 2026") in lang
// ("2. Dezember 2026"); anything else is left as it is.
func localDate(lang, v string) string {
	m, ok := months[lang]
	if !ok {
		return v
	}
	t, err := time.Parse(englishDate, v)
	if err != nil {
		return v
	}
	return fmt.Sprintf("%d. %s %d", t.Day(), m[t.Month()-1], t.Year())
}

// localNumber writes a plain decimal ("72.5") with the language's decimal
// separator; anything else is left as it is.
func localNumber(lang, v string) string {
	if lang != "de" {
		return v
	}
	if _, err := strconv.ParseFloat(v, 64); err != nil {
		return v
	}
	return strings.Replace(v, ".", ",", 1)
}
