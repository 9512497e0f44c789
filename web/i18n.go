package web

import (
	"embed"
	"fmt"
	"sort"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// The message catalogues: one TOML file per language, embedded. Keys are
// quoted dotted ids ("exam.submit"); plural messages are tables with the
// CLDR forms of the language (English and German: one, other).
//
//go:embed i18n/active.*.toml
var catalogueFS embed.FS

// languages the pages exist in; the first is the fallback.
var languages = []language.Tag{language.English, language.German}

// langCodes are the same as plain codes, in the same order.
var langCodes = []string{"en", "de"}

// validLang reports whether code is a language the pages exist in.
func validLang(code string) bool { return code == "en" || code == "de" }

var bundle = mustBundle()

func mustBundle() *i18n.Bundle {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, c := range langCodes {
		if _, err := b.LoadMessageFileFS(catalogueFS, "i18n/active."+c+".toml"); err != nil {
			panic(fmt.Sprintf("message catalogue %s: %v", c, err))
		}
	}
	return b
}

// loc translates for one language. It is built once per language (see
// locales) and shared, so a request only picks one.
type loc struct {
	Lang string // "en" or "de"
	l    *i18n.Localizer
}

var locales = func() map[string]*loc {
	m := map[string]*loc{}
	for _, c := range langCodes {
		// English second, so a message missing in German shows in English
		// rather than as its id (the catalogue test forbids that anyway).
		m[c] = &loc{Lang: c, l: i18n.NewLocalizer(bundle, c, "en")}
	}
	return m
}()

// localeFor returns the translator for a language code, English for any
// other.
func localeFor(code string) *loc {
	if l, ok := locales[code]; ok {
		return l
	}
	return locales["en"]
}

// T translates a message; args are name/value pairs for its placeholders
// ({{.Name}} in the catalogue). An unknown id comes back as itself, so a
// missing message is visible instead of blank.
func (lc *loc) T(id string, args ...any) string {
	return lc.localize(id, nil, args)
}

// Tn translates a message with plural forms chosen by n (which is also
// available to the message as {{.Count}}).
func (lc *loc) Tn(id string, n any, args ...any) string {
	return lc.localize(id, n, args)
}

func (lc *loc) localize(id string, n any, args []any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	if n != nil {
		data["Count"] = lc.Num(n)
	}
	s, err := lc.l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: n})
	if err != nil && s == "" {
		return id
	}
	return s
}

// has reports whether id exists in the catalogues.
func (lc *loc) has(id string) bool {
	_, err := lc.l.Localize(&i18n.LocalizeConfig{MessageID: id})
	return err == nil
}

// messageIDs lists the ids of a language's catalogue (tests).
func messageIDs(code string) []string {
	var out []string
	for id := range catalogueOf(code) {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// catalogueOf parses a catalogue file as plain TOML: id → string or
// plural table.
func catalogueOf(code string) map[string]any {
	b, err := catalogueFS.ReadFile("i18n/active." + code + ".toml")
	if err != nil {
		return nil
	}
	m := map[string]any{}
	if _, err := toml.Decode(string(b), &m); err != nil {
		return nil
	}
	return m
}
