package bank

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/mopscert/mopscert/apperr"
)

// An import into another language (GIFT or Aiken with language de) does not
// create items: each question is the translation of an item the bank holds,
// named by the id the file gives it (Parsed.Name), and becomes that item's
// variant in a new version; the English and the key stay as they are.
//
// The plan is read from one snapshot; the new versions are staged and
// published as Import does (staging holds the writer in short chunks; the
// publish refuses the lot if an item moved meanwhile).

// CheckImportLanguage refuses a language an import cannot take: English
// (the default) for every format, a variant language for GIFT and Aiken
// only (a YAML file carries its translations: block in the item).
func CheckImportLanguage(format, lang string) error {
	if lang == "" || lang == English {
		return nil
	}
	if !ValidVariantLanguage(lang) {
		return apperr.Fielded(map[string]string{"language": fmt.Sprintf("Import into %s or %s.", English, strings.Join(VariantLanguages, ", "))})
	}
	if f := strings.ToLower(format); f != "gift" && f != "aiken" {
		return apperr.Fielded(map[string]string{"language": "A YAML file carries its translations in each item's translations: block; import it without a language."})
	}
	return nil
}

// ImportVariants stores parsed questions as lang variants of the items
// they name: all of them or none, with line errors for questions that name
// no item, repeat one, or do not line up with it. An item whose variant is
// already what the file says is counted unchanged.
func (s *Store) ImportVariants(ctx context.Context, lang string, parsed []Parsed, opt ImportOptions) (ImportResult, error) {
	if !ValidVariantLanguage(lang) {
		return ImportResult{}, CheckImportLanguage("gift", lang)
	}
	res := ImportResult{Items: []string{}}
	var plan []variantEdit
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		plan, err = s.planVariants(ctx, tx, lang, parsed, &res)
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	if opt.DryRun || len(plan) == 0 {
		return res, nil
	}
	// The new versions go through Import's staging, so the writer is held
	// in short chunks and the publish checks that no item moved meanwhile;
	// their translations are written in the publish transaction.
	now := s.clock.Now()
	rows := make([]stagedRow, len(plan))
	for i, e := range plan {
		it := *e.next
		it.Version, it.UpdatedAt = e.base+1, now
		rows[i] = stagedRow{it: it, base: e.base, last: true, done: i + 1}
	}
	if err := s.stageAndPublish(ctx, rows, len(rows), opt); err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// variantEdit is one planned new version: next carries the new variant,
// base is the version it was planned against.
type variantEdit struct {
	next *Item
	base int
}

func (s *Store) planVariants(ctx context.Context, tx *sql.Tx, lang string, parsed []Parsed, res *ImportResult) ([]variantEdit, error) {
	var errs lineErrors
	var plan []variantEdit
	seen := map[string]int{}
	for i := range parsed {
		p := &parsed[i]
		if p.Name == "" {
			errs.addMsg(p.Line, codeImportVariantNoID.Msg("this question names no item: a %s import adds the wording to an existing item, so give its id as the GIFT title ::id:: or an ID: line before the Aiken question", lang))
			continue
		}
		if first, dup := seen[p.Name]; dup {
			errs.addMsg(p.Line, codeImportVariantTwice.Msg("item %s is translated twice in this file (first on line %d)", p.Name, first))
			continue
		}
		seen[p.Name] = p.Line
		cur, err := findItem(ctx, tx, p.Name, 0)
		if errors.Is(err, ErrNotFound) {
			errs.addMsg(p.Line, codeImportVariantNoItem.Msg("no item has the id %q; a %s import only translates items the bank holds", p.Name, lang))
			continue
		} else if err != nil {
			return nil, err
		}
		if cur.Status == Void {
			errs.addMsg(p.Line, codeImportVoid.Msg("item %s is void and cannot be changed", cur.ID))
			continue
		}
		v, msg := variantFrom(cur, &p.Item, lang)
		if msg != "" {
			errs.add(p.Line, "item %s: %s", cur.ID, msg)
			continue
		}
		if old, ok := cur.Translations[lang]; ok && reflect.DeepEqual(old, v) {
			res.Unchanged++
			continue
		}
		next := *cur
		next.Translations = map[string]Variant{}
		for l, tv := range cur.Translations {
			next.Translations[l] = tv
		}
		next.Translations[lang] = v
		next.Normalize()
		if err := next.Validate(); err != nil {
			errs.add(p.Line, "item %s: %s", cur.ID, fieldText(err))
			continue
		}
		if err := s.checkActivation(&next); err != nil {
			errs.add(p.Line, "item %s: %s", cur.ID, fieldText(err))
			continue
		}
		plan = append(plan, variantEdit{next: &next, base: cur.Version})
		res.Imported++
		res.Items = append(res.Items, cur.ID)
	}
	return plan, errs.err()
}

// fieldText flattens a validation error into one line for a line error.
func fieldText(err error) string {
	ae, ok := apperr.As(err)
	if !ok || len(ae.Fields) == 0 {
		return err.Error()
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(ae.Fields)) {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", k, ae.Fields[k])
	}
	return b.String()
}

// variantFrom reads a translated question as the variant of cur. The
// options must line up with the item's: same count, in the same order,
// the same ones correct (a translator who reorders options would otherwise
// move the key). A GIFT export writes an exhibit as the end of the stem, so
// the translation's last paragraphs, as many as the English exhibit has,
// are taken back out as the exhibit. msg says what does not line up.
func variantFrom(cur, q *Item, lang string) (v Variant, msg string) {
	if cur.Type.HasOptions() != q.Type.HasOptions() {
		return v, fmt.Sprintf("the item is %s but this question is %s", cur.Type, q.Type)
	}
	if len(q.Options) != len(cur.Options) {
		return v, fmt.Sprintf("the item has %d options; this question has %d. Translate each option, in the same order", len(cur.Options), len(q.Options))
	}
	keyed := cur.Type != Ordering && cur.Type != Matching
	for i := range cur.Options {
		if keyed && cur.Options[i].Correct != q.Options[i].Correct {
			return v, fmt.Sprintf("option %d is marked %s here but %s in the item; keep the options in the item's order", i+1, rightWrong(q.Options[i].Correct), rightWrong(cur.Options[i].Correct))
		}
		v.Options = append(v.Options, VariantOption{Text: q.Options[i].Text, Feedback: q.Options[i].Feedback, Match: q.Options[i].Match})
	}
	if cur.Type == TrueFalse && len(v.Options) == 2 {
		// GIFT writes {TRUE}/{FALSE}, which reads back as English "True"
		// and "False": keep the variant's own words, else the language's.
		old, ok := cur.Translations[lang]
		for i, w := range trueFalseWords[lang] {
			if ok && i < len(old.Options) && old.Options[i].Text != "" {
				w = old.Options[i].Text
			}
			v.Options[i].Text = w
		}
	}
	if cur.Numeric != nil {
		if q.Numeric == nil || q.Numeric.Value != cur.Numeric.Value || q.Numeric.Tolerance != cur.Numeric.Tolerance {
			return v, "the numeric answer differs from the item's; a translation keeps the key"
		}
		v.Unit = q.Numeric.Unit
	}
	v.Stem, v.Rationale = q.Stem, q.Rationale
	if cur.Exhibit != "" {
		n := len(paragraphs(cur.Exhibit))
		ps := paragraphs(q.Stem)
		if len(ps) <= n {
			return v, fmt.Sprintf("the item has an exhibit, written as the last %d paragraph(s) of the stem, but this stem has only %d paragraph(s)", n, len(ps))
		}
		v.Stem = strings.Join(ps[:len(ps)-n], "\n\n")
		v.Exhibit = strings.Join(ps[len(ps)-n:], "\n\n")
	}
	return v, ""
}

// trueFalseWords are a true/false item's two options per variant language,
// as the shipped bank words them.
var trueFalseWords = map[string][2]string{"de": {"Richtig", "Falsch"}}

func rightWrong(correct bool) string {
	if correct {
		return "correct"
	}
	return "wrong"
}

// paragraphs splits Markdown at blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
