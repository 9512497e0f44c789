package web

import "github.com/mopscert/mopscert/bank"

// variantForm is the editor's German fieldset: the variant's wording with
// each option beside the English it translates, so the page shows both
// without script and a translator never has to count options.
type variantForm struct {
	Lang      string
	Has       bool // the item carries this variant
	Stem      string
	Exhibit   string
	Unit      string
	Rationale string
	Options   []variantOptionForm
}

type variantOptionForm struct {
	English               bank.Option
	Text, Feedback, Match string
}

// newVariantForm lines the variant of lang up with the item's options; an
// item without the variant (or a new item) gets empty fields.
func newVariantForm(it *bank.Item, lang string) variantForm {
	f := variantForm{Lang: lang}
	if it == nil {
		return f
	}
	v, ok := it.Translations[lang]
	f.Has = ok
	f.Stem, f.Exhibit, f.Unit, f.Rationale = v.Stem, v.Exhibit, v.Unit, v.Rationale
	for i, o := range it.Options {
		row := variantOptionForm{English: o}
		if i < len(v.Options) {
			row.Text, row.Feedback, row.Match = v.Options[i].Text, v.Options[i].Feedback, v.Options[i].Match
		}
		f.Options = append(f.Options, row)
	}
	return f
}
