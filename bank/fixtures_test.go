package bank

import (
	"os"
	"reflect"
	"testing"

	"github.com/mopscert/mopscert/apperr"
)

// The project's own GIFT and Aiken files (testdata/), written for these
// tests, so a clone without the shared material still tests both formats
// on whole files.

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseGIFTOwnFixture(t *testing.T) {
	data := readFixture(t, "mops.gift")
	got, skipped, err := ParseGIFT(data, ParseOptions{SkipUnsupported: true})
	if err != nil {
		t.Fatalf("ParseGIFT: %v", err)
	}
	checkItems(t, got, []wantItem{
		{line: 5, id: "lead-routing", typ: Single, topic: "MOps basics",
			stem: "Which record decides who works a new inbound lead?",
			opts: []Option{
				o("The routing rule set agreed with sales", true, "Right: the agreed rules, not one person's habit."),
				o("Whoever opens the CRM first", false, "No: that races and hides the lead from reporting."),
				o("The newest sales hire", false, "No."),
			}},
		{line: 13, id: "utm-case", typ: TrueFalse,
			stem: "UTM parameters are case-sensitive in most analytics tools.",
			opts: []Option{o("True", true, "Right: keep one spelling."), o("False", false, `They are: "Email" and "email" become two sources.`)}},
		{line: 15, id: "data-hygiene", typ: Multiple,
			opts: []Option{o("Merging duplicate contacts", true), o("Normalising country and state values", true),
				o("Deleting every contact older than a year", false)}},
		{line: 24, id: "escapes", typ: Single, stem: "Which symbol starts a GIFT answer block: { or }?",
			opts: []Option{o("{", true), o("}", false)}},
	})
	checkSkipped(t, skipped, []int{22}, []string{"short-answer questions are not supported"})

	// Without skip_unsupported the whole file is refused.
	got, _, err = ParseGIFT(data, ParseOptions{})
	if got != nil {
		t.Errorf("refused file returned %d items", len(got))
	}
	if ls := lineErrs(t, err); !reflect.DeepEqual(errLines(ls), []int{22}) {
		t.Errorf("errors %+v, want one on line 22", ls)
	}
}

func TestParseAikenOwnFixtures(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		got, err := ParseAiken(readFixture(t, "mops.aiken.txt"), ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		checkItems(t, got, []wantItem{
			{line: 1, id: "which-metric-compares-revenue-won-with", typ: Single,
				stem: "Which metric compares revenue won with what marketing spent?",
				opts: []Option{o("Return on marketing investment", true), o("Bounce rate", false), o("Open rate", false), o("Page views", false)}},
			{line: 8, typ: Single, stem: "Who should own the definition of a marketing-qualified lead?",
				opts: []Option{o("Marketing alone", false), o("Marketing and sales together", true), o("The tool vendor", false)}},
		})
	})
	t.Run("ErrLines", func(t *testing.T) {
		got, err := ParseAiken(readFixture(t, "mops_errors.aiken.txt"), ParseOptions{})
		if got != nil {
			t.Errorf("returned %d items along with errors", len(got))
		}
		want := []apperr.Line{
			{Line: 3, Message: "a question needs at least 2 options before its ANSWER line; the one on line 1 has 1"},
			{Line: 5, Message: "an option comes before any question text"},
		}
		if ls := lineErrs(t, err); !reflect.DeepEqual(ls, want) {
			t.Errorf("errors\n %+v, want\n %+v", ls, want)
		}
	})
}
