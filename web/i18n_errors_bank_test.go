package web

import (
	"math"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

func init() { extraErrorCases = append(extraErrorCases, bankErrors) }

// bankErrors are Item.Validate's messages, as the item editor and the API
// get them.
func bankErrors(*testing.T, *testServer) map[string]error {
	opts := func(texts ...string) []bank.Option {
		out := make([]bank.Option, len(texts))
		for i, s := range texts {
			out[i] = bank.Option{Text: s}
		}
		return out
	}
	long := func(n int) string { return strings.Repeat("x", n+1) }
	items := map[string]bank.Item{
		"bad everything": {ID: "-X", Status: "nope", Domain: "nowhere", Tiers: []string{"Bad Tier"}, Type: "essay",
			Stem: long(bank.MaxStemLen), Rationale: long(bank.MaxTextLen), Topic: long(100), Source: long(500),
			Exhibit: long(bank.MaxExhibitLen), Group: "Bad Group!", Competency: long(100)},
		"active, no stem, option faults": {Status: bank.Active, Domain: "concepts", Type: bank.Single,
			Options: []bank.Option{{Text: ""}, {Text: long(bank.MaxOptionLen)}, {Text: "Same", Feedback: long(bank.MaxTextLen), Match: "m"}, {Text: "same"}}},
		"single without key":    {Domain: "concepts", Type: bank.Single, Stem: "Q?", Options: opts("A", "B", "C")},
		"multiple without key":  {Domain: "concepts", Type: bank.Multiple, Stem: "Q?", Options: opts("A", "B", "C")},
		"true false":            {Domain: "concepts", Type: bank.TrueFalse, Stem: "Q?", Options: opts("Yes", "No")},
		"too few options":       {Domain: "concepts", Type: bank.Single, Stem: "Q?", Options: opts("A")},
		"numeric with options":  {Domain: "concepts", Type: bank.Numeric, Stem: "Q?", Options: opts("A", "B")},
		"numeric without key":   {Domain: "concepts", Type: bank.Numeric, Stem: "Q?"},
		"key on a choice item":  {Domain: "concepts", Type: bank.Single, Stem: "Q?", Options: []bank.Option{{Text: "A", Correct: true}, {Text: "B"}}, Numeric: &bank.NumericKey{Value: 1}},
		"numeric not finite":    {Domain: "concepts", Type: bank.Numeric, Stem: "Q?", Numeric: &bank.NumericKey{Value: math.Inf(1), Tolerance: math.NaN(), Unit: long(bank.MaxUnitLen)}},
		"numeric large, below0": {Domain: "concepts", Type: bank.Numeric, Stem: "Q?", Numeric: &bank.NumericKey{Value: 1e16, Tolerance: -1}},
		"ordering with key":     {Domain: "concepts", Type: bank.Ordering, Stem: "Q?", Options: []bank.Option{{Text: "A", Correct: true}, {Text: "B"}, {Text: "C"}}},
		"matching faults": {Domain: "concepts", Type: bank.Matching, Stem: "Q?", Options: []bank.Option{
			{Text: "A", Correct: true, Match: "1"}, {Text: "B", Match: ""}, {Text: "C", Match: long(bank.MaxOptionLen)}, {Text: "D", Match: "1"}}},
	}
	out := map[string]error{}
	for name, it := range items {
		out["item: "+name] = it.Validate()
	}
	return out
}
