package bank

import "github.com/mopscert/mopscert/apperr"

// Variant runs on an item's lang variant the rules that read wording the
// translation can get wrong on its own: a vendor named in the translated
// text, and the audit's warnings on the translated options (its errors,
// the near-certain giveaways, are in Item already, since they block
// activation in any language). Fields are named translations.<lang>.…, so
// the editor can show them beside the German fields.
func (l *Linter) Variant(it *Item, lang string) []Finding {
	if it == nil {
		return nil
	}
	v, ok := it.Translations[lang]
	if !ok {
		return nil
	}
	p := "translations." + lang + "."
	var fs []Finding
	check := func(field, text string) {
		for _, name := range l.vendorsIn(text) {
			fs = append(fs, finding(RuleVendorName, SeverityError, p+field, codeLintVendorVariant.Msg(
				"Names the vendor “%s”. The exam is vendor-neutral: name the kind of tool instead.", name)))
		}
	}
	check("stem", v.Stem)
	check("exhibit", v.Exhibit)
	for i, o := range v.Options {
		check(optionKey(i, "text"), o.Text)
		check(optionKey(i, "feedback"), o.Feedback)
		check(optionKey(i, "match"), o.Match)
	}
	check("rationale", v.Rationale)
	if lx, ok := auditLexicons[lang]; ok {
		for _, a := range itemCuesIn(it.Localized(lang), nil, lx, lang) {
			if a.Severity == SeverityError {
				continue
			}
			fs = append(fs, finding(a.Rule, a.Severity, p+"options", apperr.Msg{Message: a.Message + " (" + a.Evidence + ")"}))
		}
	}
	return fs
}
