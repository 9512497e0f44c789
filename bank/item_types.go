package bank

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/mopscert/mopscert/apperr"
)

// What the second-round fields and types add to Validate: the exhibit, the
// enemy group, the numeric key and the matching answers.

// Limits on the second-round fields.
const (
	MinOrderOptions = 3 // ordering and matching: fewer is a guess, not a task
	MaxOrderOptions = 6 // more is a memory test on a small screen
	MaxExhibitLen   = 6000
	MaxGroupLen     = 80
	MaxUnitLen      = 40
)

var groupRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,79}$`)

// ValidGroup reports whether g is an acceptable enemy group name: a
// slug-like name of at most 80 characters (dots allowed, so a group can be
// named after a competency code).
func ValidGroup(g string) bool { return groupRe.MatchString(g) }

// optionRange is how many options an item of type t may have.
func (t Type) optionRange() (int, int) {
	switch t {
	case Ordering, Matching:
		return MinOrderOptions, MaxOrderOptions
	case Numeric:
		return 0, 0
	}
	return MinOptions, MaxOptions
}

// validateExtras adds to f what is wrong with the exhibit, group, numeric
// key and matching answers.
func (it *Item) validateExtras(f apperr.FieldMsgs) {
	if len(it.Exhibit) > MaxExhibitLen {
		f["exhibit"] = codeItemExhibitLong.Msg("Keep the exhibit under %d characters.", MaxExhibitLen)
	}
	if it.Group != "" && !ValidGroup(it.Group) {
		f["group"] = codeItemGroup.Msg("Use up to %d lower-case letters, digits, dots, hyphens and underscores.", MaxGroupLen)
	}
	if len(it.Competency) > 100 {
		f["competency"] = codeItemCompetencyLong.Msg("Keep the competency code under %d characters.", 100)
	}
	switch {
	case it.Type == Numeric && it.Numeric == nil:
		f["numeric"] = codeItemNumericMissing.Msg("A numeric item needs its key: numeric: {value, tolerance, unit}.")
	case it.Type != Numeric && it.Numeric != nil:
		f["numeric"] = codeItemNumericOnly.Msg("Only a numeric item has a numeric key.")
	case it.Numeric != nil:
		k := it.Numeric
		switch {
		case math.IsNaN(k.Value) || math.IsInf(k.Value, 0):
			f["numeric.value"] = codeItemValueFinite.Msg("The value must be a finite number.")
		case math.Abs(k.Value) > 1e15:
			f["numeric.value"] = codeItemValueLarge.Msg("The value is too large to compare exactly.")
		}
		switch {
		case math.IsNaN(k.Tolerance) || math.IsInf(k.Tolerance, 0):
			f["numeric.tolerance"] = codeItemToleranceFinite.Msg("The tolerance must be a finite number.")
		case k.Tolerance < 0:
			f["numeric.tolerance"] = codeItemToleranceNeg.Msg("The tolerance cannot be negative (0 means exactly the value).")
		}
		if len(k.Unit) > MaxUnitLen {
			f["numeric.unit"] = codeItemUnitLong.Msg("Keep the unit under %d characters.", MaxUnitLen)
		}
	}
	seen := map[string]int{}
	for i, o := range it.Options {
		key := fmt.Sprintf("options[%d].match", i)
		if it.Type != Matching {
			if o.Match != "" {
				f[key] = codeItemMatchOnly.Msg("Only a matching item's options have a match.")
			}
			continue
		}
		norm := strings.ToLower(strings.Join(strings.Fields(o.Match), " "))
		switch {
		case o.Match == "":
			f[key] = codeItemMatchRequired.Msg("Each prompt needs the answer that matches it.")
		case len(o.Match) > MaxOptionLen:
			f[key] = codeItemMatchLong.Msg("Keep a match under %d characters.", MaxOptionLen)
		case seen[norm] > 0:
			f[key] = codeItemMatchSame.Msg("Same match as option %d: every answer must be distinct.", seen[norm])
		}
		seen[norm] = i + 1
	}
}
