package bank

import (
	"math"
	"testing"
)

func f64(v float64) *float64 { return &v }

func TestScore(t *testing.T) {
	single := &Item{Type: Single, Options: []Option{{Text: "a"}, {Text: "b"}, {Text: "c", Correct: true}}}
	tf := &Item{Type: TrueFalse, Options: []Option{{Text: "True", Correct: true}, {Text: "False"}}}
	multi2 := &Item{Type: Multiple, Options: []Option{{Text: "a", Correct: true}, {Text: "b"}, {Text: "c", Correct: true}, {Text: "d"}}}
	multi3 := &Item{Type: Multiple, Options: []Option{{Text: "a", Correct: true}, {Text: "b", Correct: true}, {Text: "c", Correct: true}, {Text: "d"}}}
	multi1 := &Item{Type: Multiple, Options: []Option{{Text: "a", Correct: true}, {Text: "b"}, {Text: "c"}, {Text: "d"}}}
	num := func(v, tol float64) *Item {
		return &Item{Type: Numeric, Numeric: &NumericKey{Value: v, Tolerance: tol}}
	}
	order4 := &Item{Type: Ordering, Options: []Option{{Text: "1"}, {Text: "2"}, {Text: "3"}, {Text: "4"}}}
	order3 := &Item{Type: Ordering, Options: []Option{{Text: "1"}, {Text: "2"}, {Text: "3"}}}
	match4 := &Item{Type: Matching, Options: []Option{{Text: "p", Match: "w"}, {Text: "q", Match: "x"}, {Text: "r", Match: "y"}, {Text: "s", Match: "z"}}}
	tests := []struct {
		name    string
		it      *Item
		r       Response
		partial bool
		want    float64
	}{
		// single, true_false and multiple keep exam's former credit exactly.
		{"SingleRight", single, Response{Picked: []int{2}}, false, 1},
		{"SingleWrong", single, Response{Picked: []int{1}}, false, 0},
		{"SingleBlank", single, Response{}, false, 0},
		{"SinglePartialIgnored", single, Response{Picked: []int{1}}, true, 0},
		{"TrueFalseRight", tf, Response{Picked: []int{0}}, false, 1},
		{"TrueFalseWrong", tf, Response{Picked: []int{1}}, false, 0},
		{"MultipleExact", multi2, Response{Picked: []int{2, 0}}, false, 1},
		{"MultipleMissingOne", multi2, Response{Picked: []int{0}}, false, 0},
		{"MultipleExtraOne", multi2, Response{Picked: []int{0, 1, 2}}, false, 0},
		{"MultipleBlank", multi2, Response{}, false, 0},
		{"PartialExact", multi2, Response{Picked: []int{0, 2}}, true, 1},
		{"PartialHalf", multi2, Response{Picked: []int{0}}, true, 0.5},
		{"PartialRightAndWrong", multi2, Response{Picked: []int{0, 1}}, true, 0},
		{"PartialAllPicked", multi2, Response{Picked: []int{0, 1, 2, 3}}, true, 0},
		{"PartialTwoOfThree", multi3, Response{Picked: []int{0, 1}}, true, 2.0 / 3},
		{"PartialNeverNegative", multi1, Response{Picked: []int{1, 2, 3}}, true, 0},

		{"NumericExact", num(12.5, 0.1), Response{Value: f64(12.5)}, false, 1},
		{"NumericUpperBoundInclusive", num(13.0, 0.3), Response{Value: f64(13.3)}, false, 1},
		{"NumericLowerBoundInclusive", num(13.0, 0.3), Response{Value: f64(12.7)}, false, 1},
		{"NumericJustOutside", num(13.0, 0.3), Response{Value: f64(13.31)}, false, 0},
		{"NumericToleranceZero", num(0.3, 0), Response{Value: f64(0.1 + 0.2)}, false, 1},
		{"NumericToleranceZeroOff", num(42, 0), Response{Value: f64(42.001)}, false, 0},
		{"NumericNegative", num(-4.5, 0.5), Response{Value: f64(-4.0)}, false, 1},
		{"NumericNegativeWrongSign", num(-4.5, 0.5), Response{Value: f64(4.5)}, false, 0},
		{"NumericLarge", num(1_250_000, 0), Response{Value: f64(1_250_000)}, false, 1},
		{"NumericBlank", num(1, 1), Response{}, false, 0},
		{"NumericNaN", num(1, 1), Response{Value: f64(math.NaN())}, false, 0},
		{"NumericPartialNoHalfMarks", num(10, 0), Response{Value: f64(10.5)}, true, 0},

		{"OrderingRight", order4, Response{Picked: []int{0, 1, 2, 3}}, false, 1},
		{"OrderingOneSwap", order4, Response{Picked: []int{1, 0, 2, 3}}, false, 0},
		{"OrderingOneSwapPartial", order4, Response{Picked: []int{1, 0, 2, 3}}, true, 2.0 / 3},
		{"OrderingFirstToLastPartial", order4, Response{Picked: []int{1, 2, 3, 0}}, true, 2.0 / 3},
		{"OrderingReversedPartial", order4, Response{Picked: []int{3, 2, 1, 0}}, true, 0},
		{"OrderingRightPartial", order3, Response{Picked: []int{0, 1, 2}}, true, 1},
		{"OrderingBlank", order3, Response{}, true, 0},
		{"OrderingIncomplete", order3, Response{Picked: []int{0, 1}}, true, 0},
		{"OrderingDuplicate", order3, Response{Picked: []int{0, 0, 1}}, true, 0},
		{"OrderingOutOfRange", order3, Response{Picked: []int{0, 1, 5}}, true, 0},

		{"MatchingRight", match4, Response{Matches: []int{0, 1, 2, 3}}, false, 1},
		{"MatchingOneBlank", match4, Response{Matches: []int{0, 1, 2, -1}}, false, 0},
		{"MatchingOneBlankPartial", match4, Response{Matches: []int{0, 1, 2, -1}}, true, 0.75},
		{"MatchingTwoSwappedPartial", match4, Response{Matches: []int{1, 0, 2, 3}}, true, 0.5},
		{"MatchingAllOneAnswerPartial", match4, Response{Matches: []int{0, 0, 0, 0}}, true, 0.25},
		{"MatchingBlank", match4, Response{}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.it.Score(tt.r, tt.partial); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("Score = %v, want %v", got, tt.want)
			}
		})
	}
}
