package bank

import "strings"

// German word lists for the audit of German variants (docs/audit.md lists
// them). "kein" is left out as "no" is in English: it is how German says
// no, not an absolute. German compounds and inflections are many, so the absolutes list
// the inflected forms a distractor actually uses, and process words match
// as prefixes like the English stems.
var germanLexicon = auditLexicon{
	absolutes: wordSet("immer", "stets", "nie", "niemals", "nur", "ausschließlich", "alle", "allen", "aller",
		"alles", "jede", "jeder", "jedes", "jeden", "jedem", "sofort", "unverzüglich", "garantiert",
		"garantieren", "garantiere", "muss", "müssen", "vollständig", "komplett", "völlig", "gänzlich",
		"nichts", "niemand", "ignorieren", "ignoriert", "dauerhaft",
		"endgültig", "unabhängig", "lediglich", "sämtliche", "sämtlichen", "uneingeschränkt", "strikt"),
	extremes: wordSet("ersetzen", "ersetzt", "einfrieren", "aufgeben", "abschaffen", "streichen", "verbieten",
		"verbietet", "löschen", "auslagern", "erzwingen", "maximal", "maximieren", "abschalten", "stoppen"),
	// Phrases read as one word before matching: absolute phrases as an
	// absolute, hedging phrases as a hedge ("in der Regel" is the German
	// "usually").
	phrases: strings.NewReplacer("so schnell wie möglich", "sofort", "auf der stelle", "sofort",
		"auf keinen fall", "niemals", "unter keinen umständen", "niemals", "in jedem fall", "immer",
		"ohne ausnahme", "immer", "egal ob", "unabhängig", "in der regel", "meist", "im einzelfall", "sofern"),
	hedges: wordSet("meist", "meistens", "üblicherweise", "typischerweise", "häufig", "oft", "sofern", "soweit",
		"wenn", "falls", "außer", "kann", "können", "könnte", "könnten", "darf", "dürfen",
		"möglicherweise", "gegebenenfalls", "ggf", "abhängig", "je", "angemessen", "angemessene", "relevant",
		"relevante", "ob", "grundsätzlich", "überwiegend", "weitgehend", "teilweise", "möglich", "wahrscheinlich",
		"einige", "berücksichtigen", "vertretbar"),
	conjunctions: wordSet("und", "während", "dann", "aber", "bevor", "nachdem", "weil", "sodass", "damit", "bis",
		"sowohl", "sowie", "plus", "auch", "mit", "danach"),
	processStems: []string{"verantwortlich", "verantwortliche", "dokumentier", "dokument", "abstimm", "prüf",
		"test", "mess", "kriteri", "plan", "überwach", "kommuniz", "freigab", "freigeb", "eskalier", "rückmeld",
		"feedback", "pilot", "validier", "bestätig", "konsultier", "ziel", "vereinbar", "definier", "gemeinsam",
		"ausgewogen", "phase", "stakeholder", "priorisier", "termin", "review", "baseline", "schrittweise"},
}

// auditLexicons are the lexicons of the variant languages.
var auditLexicons = map[string]auditLexicon{"de": germanLexicon}
