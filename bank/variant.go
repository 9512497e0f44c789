package bank

import (
	"fmt"
	"sort"
	"strings"
)

// Variant is an item's text in another language. Only wording is
// translated: the key (which options are correct, their order, the numeric
// value and tolerance) stays with the item, so grading and statistics work
// on the same version whatever language it was delivered in.
type Variant struct {
	Stem    string          `json:"stem" yaml:"stem"`
	Exhibit string          `json:"exhibit,omitempty" yaml:"exhibit,omitempty"`
	Options []VariantOption `json:"options,omitempty" yaml:"options,omitempty"`
	// Rationale explains the key in this language (shown after the exam).
	Rationale string `json:"rationale,omitempty" yaml:"rationale,omitempty"`
	// Unit is a numeric item's unit in this language.
	Unit string `json:"unit,omitempty" yaml:"unit,omitempty"`
}

// VariantOption is one option's wording in a variant, in the item's
// authored option order.
type VariantOption struct {
	Text     string `json:"text" yaml:"text"`
	Feedback string `json:"feedback,omitempty" yaml:"feedback,omitempty"`
	Match    string `json:"match,omitempty" yaml:"match,omitempty"`
}

// English is the language items are authored in; every other language is a
// variant.
const English = "en"

// VariantLanguages are the languages an item may carry a variant for.
var VariantLanguages = []string{"de"}

// ValidVariantLanguage reports whether lang may key Item.Translations.
func ValidVariantLanguage(lang string) bool {
	for _, l := range VariantLanguages {
		if l == lang {
			return true
		}
	}
	return false
}

// HasVariant reports whether the item can be delivered in lang: English
// always, another language when the item carries its variant.
func (it *Item) HasVariant(lang string) bool {
	if lang == English || lang == "" {
		return true
	}
	_, ok := it.Translations[lang]
	return ok
}

// Localized returns a copy of the item with the wording of lang where the
// variant has it and English otherwise; the key is untouched. The copy
// shares nothing mutable with it.
func (it *Item) Localized(lang string) *Item {
	c := *it
	c.Options = append([]Option(nil), it.Options...)
	if it.Numeric != nil {
		n := *it.Numeric
		c.Numeric = &n
	}
	v, ok := it.Translations[lang]
	if lang == English || !ok {
		return &c
	}
	c.Stem = pick(v.Stem, c.Stem)
	c.Exhibit = pick(v.Exhibit, c.Exhibit)
	c.Rationale = pick(v.Rationale, c.Rationale)
	if c.Numeric != nil {
		c.Numeric.Unit = pick(v.Unit, c.Numeric.Unit)
	}
	for i := range c.Options {
		if i >= len(v.Options) {
			break
		}
		c.Options[i].Text = pick(v.Options[i].Text, c.Options[i].Text)
		c.Options[i].Feedback = pick(v.Options[i].Feedback, c.Options[i].Feedback)
		c.Options[i].Match = pick(v.Options[i].Match, c.Options[i].Match)
	}
	return &c
}

func pick(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}

// normalizeTranslations trims variants the way Normalize trims the item and
// drops an empty map so that an item without variants stores "{}".
func (it *Item) normalizeTranslations() {
	if len(it.Translations) == 0 {
		it.Translations = nil
		return
	}
	for lang, v := range it.Translations {
		v.Stem = strings.TrimSpace(v.Stem)
		v.Exhibit = strings.TrimSpace(v.Exhibit)
		v.Rationale = strings.TrimSpace(v.Rationale)
		v.Unit = strings.TrimSpace(v.Unit)
		opts := append([]VariantOption(nil), v.Options...)
		for i := range opts {
			opts[i].Text = strings.TrimSpace(opts[i].Text)
			opts[i].Feedback = strings.TrimSpace(opts[i].Feedback)
			opts[i].Match = strings.TrimSpace(opts[i].Match)
		}
		v.Options = opts
		it.Translations[lang] = v
	}
}

// validateTranslations adds to f what is wrong with the variants: a variant
// must translate every option the item has (same count, in order), give
// every text the English has, and keep to the same length limits. A partly
// translated variant is refused, drafts included: an item with a variant is
// offered in that language, and Localized would fill the gaps with English,
// so a candidate would read a mixed-language question.
func (it *Item) validateTranslations(f map[string]string) {
	langs := make([]string, 0, len(it.Translations))
	for l := range it.Translations {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, lang := range langs {
		v := it.Translations[lang]
		p := "translations." + lang
		if !ValidVariantLanguage(lang) {
			f[p] = fmt.Sprintf("Translations are keyed by language: %s.", strings.Join(VariantLanguages, ", "))
			continue
		}
		switch {
		case v.Stem == "":
			f[p+".stem"] = "The translation needs a stem."
		case len(v.Stem) > MaxStemLen:
			f[p+".stem"] = fmt.Sprintf("Keep the stem under %d characters.", MaxStemLen)
		}
		if it.Exhibit != "" && v.Exhibit == "" {
			f[p+".exhibit"] = "The item has an exhibit; translate it too."
		}
		switch {
		case it.Rationale != "" && v.Rationale == "":
			f[p+".rationale"] = "The item has a rationale; translate it too."
		case len(v.Rationale) > MaxTextLen:
			f[p+".rationale"] = fmt.Sprintf("Keep the rationale under %d characters.", MaxTextLen)
		}
		// The unit is not required: "%", "€" or "ms" read the same in
		// both languages, and an empty one shows the English unit.
		if len(v.Options) != len(it.Options) {
			f[p+".options"] = fmt.Sprintf("The item has %d options; the translation has %d. Translate each option, in the same order.", len(it.Options), len(v.Options))
			continue
		}
		for i, o := range v.Options {
			key := fmt.Sprintf("%s.options[%d]", p, i)
			switch {
			case o.Text == "":
				f[key+".text"] = "A translated option needs text."
			case len(o.Text) > MaxOptionLen:
				f[key+".text"] = fmt.Sprintf("Keep an option under %d characters.", MaxOptionLen)
			}
			if it.Options[i].Match != "" && o.Match == "" {
				f[key+".match"] = "The option has a match; translate it too."
			}
			switch {
			case it.Options[i].Feedback != "" && o.Feedback == "":
				f[key+".feedback"] = "The option has feedback; translate it too."
			case len(o.Feedback) > MaxTextLen:
				f[key+".feedback"] = fmt.Sprintf("Keep feedback under %d characters.", MaxTextLen)
			}
		}
	}
}
