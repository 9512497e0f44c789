package web

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// The message catalogues: TOML files named <part>.<lang>.toml, embedded
// (active.* for the candidate and public pages, admin.* for the
// administrators' pages, so the two can be edited apart; errors.* for the
// domain packages' message codes, see i18n_errors.go). Keys are quoted
// dotted ids ("exam.submit"); plural messages are tables with the CLDR forms
// of the language (English and German: one, other).
//
//go:embed i18n/*.toml
var catalogueFS embed.FS

// catalogueFiles lists a language's catalogue files, sorted.
func catalogueFiles(code string) []string {
	names, err := fs.Glob(catalogueFS, "i18n/*."+code+".toml")
	if err != nil { // only a bad pattern fails, and this one is fixed
		panic(err)
	}
	return names
}

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
		files := catalogueFiles(c)
		if len(files) == 0 {
			panic("no message catalogue for " + c)
		}
		for _, f := range files {
			if _, err := b.LoadMessageFileFS(catalogueFS, f); err != nil {
				panic(fmt.Sprintf("message catalogue %s: %v", f, err))
			}
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
	cat, _ := catalogueOf(code)
	for id := range cat {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// catalogueOf parses a language's catalogue files as plain TOML, merged:
// id → string or plural table. An id in two files of one language is an
// error (the bundle would keep one silently), and so is a file that does
// not parse.
func catalogueOf(code string) (map[string]any, error) {
	m := map[string]any{}
	from := map[string]string{}
	for _, f := range catalogueFiles(code) {
		b, err := catalogueFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		part := map[string]any{}
		if _, err := toml.Decode(string(b), &part); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for id, v := range part {
			if prev, dup := from[id]; dup {
				return nil, fmt.Errorf("%q is in both %s and %s", id, prev, f)
			}
			m[id], from[id] = v, f
		}
	}
	return m, nil
}
