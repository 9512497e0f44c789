package bank

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func sampleBank() []Item {
	var items []Item
	for i := 0; i < 12; i++ {
		items = append(items, Item{ID: fmt.Sprintf("s-%02d", i), Status: Active, Tiers: []string{"t"}, Type: Single,
			Options: []Option{{Text: "a"}, {Text: "b", Correct: true}, {Text: "c"}, {Text: "d"}}})
	}
	items = append(items,
		Item{ID: "n-1", Status: Active, Tiers: []string{"t"}, Type: Numeric, Numeric: &NumericKey{Value: 13.3, Tolerance: 0.05}},
		Item{ID: "o-1", Status: Active, Tiers: []string{"t"}, Type: Ordering, Options: []Option{{Text: "1"}, {Text: "2"}, {Text: "3"}}},
		Item{ID: "m-1", Status: Active, Tiers: []string{"t"}, Type: Matching, Options: []Option{{Text: "p", Match: "x"}, {Text: "q", Match: "y"}, {Text: "r", Match: "z"}}},
		Item{ID: "x-1", Status: Draft, Tiers: []string{"t"}, Type: Single, Options: []Option{{Text: "a", Correct: true}, {Text: "b"}}},
	)
	return items
}

// perfect answers a sheet right, reading the key the way a reviewer could not.
func perfect(sh *Sheet, byID map[string]*Item) string {
	var b strings.Builder
	for _, si := range sh.Items {
		it := byID[si.ItemID]
		fmt.Fprintf(&b, "%d: ", si.No)
		switch it.Type {
		case Numeric:
			fmt.Fprintf(&b, "%g", it.Numeric.Value)
		case Ordering:
			for want := range it.Options {
				for d, a := range si.Order {
					if a == want {
						fmt.Fprintf(&b, "%s,", letter(d))
					}
				}
			}
		case Matching:
			for _, prompt := range si.Order {
				for d, a := range si.Matches {
					if a == prompt {
						fmt.Fprintf(&b, "%d,", d+1)
					}
				}
			}
		default:
			for d, a := range si.Order {
				if it.Options[a].Correct {
					fmt.Fprintf(&b, "%s,", letter(d))
				}
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestReviewSheets(t *testing.T) {
	items := sampleBank()
	byID := map[string]*Item{}
	for i := range items {
		byID[items[i].ID] = &items[i]
	}
	oo, err := DrawSheet(items, "t", OptionsOnly, 5, 7)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DrawSheet(items, "t", Outsider, 5, 7)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, si := range oo.Items {
		if byID[si.ItemID].Type != Single {
			t.Errorf("options-only sheet holds a %s item", byID[si.ItemID].Type)
		}
		seen[si.ItemID] = true
	}
	for _, si := range out.Items {
		if seen[si.ItemID] {
			t.Errorf("item %s is on both sheets of seed 7", si.ItemID)
		}
		if si.ItemID == "x-1" {
			t.Error("a draft item was drawn")
		}
	}
	if got := oo.Chance(); math.Abs(got-0.25) > 1e-12 {
		t.Errorf("options-only chance = %v, want 0.25", got)
	}
	again, _ := DrawSheet(items, "t", Outsider, 5, 7)
	if fmt.Sprint(again) != fmt.Sprint(out) {
		t.Error("the same seed drew another sheet")
	}

	for _, sh := range []*Sheet{oo, out} {
		sc, err := ScoreSheet(sh, byID, perfect(sh, byID))
		if err != nil {
			t.Fatal(err)
		}
		if sc.Percent != 100 || sc.Answered != len(sh.Items) {
			t.Errorf("%s: perfect answers score %+v", sh.Mode, sc)
		}
		sc, err = ScoreSheet(sh, byID, "1: A\n")
		if err != nil {
			t.Fatal(err)
		}
		if sc.Answered != 1 || sc.Correct > 1 {
			t.Errorf("%s: one answer scores %+v", sh.Mode, sc)
		}
	}
	if _, err := ScoreSheet(oo, byID, "1: Z\n"); err == nil {
		t.Error("a letter not shown was accepted")
	}
	if _, err := ScoreSheet(oo, byID, "first: A\n"); err == nil {
		t.Error("a line without a number was accepted")
	}
	if _, err := DrawSheet(items, "t", OptionsOnly, 13, 1); err == nil {
		t.Error("a sheet larger than the pool was drawn")
	}
}
