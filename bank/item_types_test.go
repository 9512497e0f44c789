package bank

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/apperr"
)

func typedItem(t Type) *Item {
	it := &Item{ID: "x-item", Status: Draft, Domain: Concepts, Type: t, Stem: "Which?"}
	switch t {
	case Numeric:
		it.Numeric = &NumericKey{Value: 13, Tolerance: 0.1, Unit: "%"}
	case Ordering:
		it.Options = []Option{{Text: "Capture"}, {Text: "Qualify"}, {Text: "Route"}}
	case Matching:
		it.Options = []Option{{Text: "CDP", Match: "Unify profiles"}, {Text: "CRM", Match: "Track deals"}, {Text: "MAP", Match: "Send nurture"}}
	}
	return it
}

func TestValidateNewTypes(t *testing.T) {
	tests := []struct {
		name  string
		typ   Type
		edit  func(*Item)
		field string // "" when valid
	}{
		{"NumericOK", Numeric, func(*Item) {}, ""},
		{"NumericToleranceZero", Numeric, func(it *Item) { it.Numeric.Tolerance = 0 }, ""},
		{"NumericNegativeValue", Numeric, func(it *Item) { it.Numeric.Value = -3 }, ""},
		{"NumericNoKey", Numeric, func(it *Item) { it.Numeric = nil }, "numeric"},
		{"NumericOptions", Numeric, func(it *Item) { it.Options = []Option{{Text: "a"}, {Text: "b"}} }, "options"},
		{"NumericNegativeTolerance", Numeric, func(it *Item) { it.Numeric.Tolerance = -0.1 }, "numeric.tolerance"},
		{"NumericNaN", Numeric, func(it *Item) { it.Numeric.Value = math.NaN() }, "numeric.value"},
		{"NumericInf", Numeric, func(it *Item) { it.Numeric.Tolerance = math.Inf(1) }, "numeric.tolerance"},
		{"NumericLongUnit", Numeric, func(it *Item) { it.Numeric.Unit = strings.Repeat("u", MaxUnitLen+1) }, "numeric.unit"},
		{"KeyOnSingle", Single, func(it *Item) {
			it.Options = []Option{{Text: "a", Correct: true}, {Text: "b"}}
			it.Numeric = &NumericKey{Value: 1}
		}, "numeric"},
		{"OrderingOK", Ordering, func(*Item) {}, ""},
		{"OrderingTwo", Ordering, func(it *Item) { it.Options = it.Options[:2] }, "options"},
		{"OrderingSeven", Ordering, func(it *Item) {
			for _, s := range []string{"d", "e", "f", "g"} {
				it.Options = append(it.Options, Option{Text: s})
			}
		}, "options"},
		{"OrderingDuplicate", Ordering, func(it *Item) { it.Options[2].Text = "capture" }, "options[2].text"},
		{"OrderingCorrect", Ordering, func(it *Item) { it.Options[0].Correct = true }, "options"},
		{"MatchingOK", Matching, func(*Item) {}, ""},
		{"MatchingEmptyMatch", Matching, func(it *Item) { it.Options[1].Match = "" }, "options[1].match"},
		{"MatchingDuplicateMatch", Matching, func(it *Item) { it.Options[2].Match = "unify  PROFILES" }, "options[2].match"},
		{"MatchingTwo", Matching, func(it *Item) { it.Options = it.Options[:2] }, "options"},
		{"MatchOnOrdering", Ordering, func(it *Item) { it.Options[0].Match = "x" }, "options[0].match"},
		{"ExhibitTooLong", Numeric, func(it *Item) { it.Exhibit = strings.Repeat("x", MaxExhibitLen+1) }, "exhibit"},
		{"GroupOK", Numeric, func(it *Item) { it.Group = "sla.breach-rate_2" }, ""},
		{"GroupBad", Numeric, func(it *Item) { it.Group = "SLA breach" }, "group"},
		{"GroupTooLong", Numeric, func(it *Item) { it.Group = strings.Repeat("g", 81) }, "group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := typedItem(tt.typ)
			tt.edit(it)
			err := it.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("Validate = %v, want a field error on %s", err, tt.field)
			}
			if _, ok := ae.Fields[tt.field]; !ok {
				t.Errorf("fields %v, want one on %s", ae.Fields, tt.field)
			}
		})
	}
}

func TestNormalizeNewFields(t *testing.T) {
	it := &Item{Competency: " lifecycle.scoring ", Group: " g1\n", Exhibit: "\n| a |\n|---|\n| 1 |\n\n",
		Numeric: &NumericKey{Unit: " % "}, Options: []Option{{Text: " p ", Match: " m "}}}
	it.Normalize()
	if it.Competency != "lifecycle.scoring" || it.Group != "g1" || it.Exhibit != "| a |\n|---|\n| 1 |" ||
		it.Numeric.Unit != "%" || it.Options[0].Match != "m" {
		t.Errorf("Normalize left %+v %+v %+v", it, it.Numeric, it.Options)
	}
}
