package bank

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/apperr"
)

// sampleItems is a varied bank: every type, Markdown with GIFT's control
// characters, YAML's indicators, line breaks and blank lines, unicode,
// feedback, several tiers, every optional field.
func sampleItems() []Item {
	t0 := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	return []Item{{
		ID: "mc-escapes", Status: Active, Domain: Tools, Tiers: []string{"foundation", "practitioner"}, Topic: "data hygiene",
		Type: Single,
		Stem: "Which rule: `a = b` or {x: ~y}? # not a heading\n\nSecond paragraph with a \\ backslash, \\n literally, and 50%.",
		Options: []Option{
			{Text: "Use `=` and `~`", Correct: true, Feedback: "Right: {braces} # hash"},
			{Text: "[link](https://example.org/a?b=c#d)", Feedback: "[plain] is not a marker here"},
			{Text: "%50% is not a weight"},
			{Text: "- a list\n- of two"},
		},
		Rationale: "Because:\n\n1. first\n2. second\n\n> quoted: yes",
		Source:    "https://example.org/guide#section, p. 12\nand a second line",
		Author:    "Zoë O'Brien",
		CreatedAt: t0, UpdatedAt: t0.Add(36 * time.Hour),
	}, {
		ID: "multi-unicode", Status: Draft, Domain: Tools, Tiers: []string{"leader"}, Topic: "data hygiene", Type: Multiple,
		Stem: "Lesquelles sont des *documents* ? 日本語、ελληνικά — “quotes” 'single' \"double\"",
		Options: []Option{
			{Text: "Film", Correct: true},
			{Text: "Évènement", Feedback: "Non : c'est une information."},
			{Text: "Roman", Correct: true, Feedback: "Oui"},
			{Text: "Photo", Correct: true},
			{Text: "yes"},
			{Text: "null"},
		},
		Rationale: "Trois sur cinq.",
	}, {
		ID: "tf-true", Status: Review, Domain: Concepts, Tiers: []string{}, Topic: "", Type: TrueFalse,
		Stem:    "Feature stores serve features online: true?",
		Options: []Option{{Text: "True", Correct: true, Feedback: "Yes: online and offline."}, {Text: "False", Feedback: "#not quite"}},
	}, {
		ID: "tf-false", Status: Retired, Domain: SoftSkills, Tiers: []string{"foundation"}, Topic: "stakeholders / feedback", Type: TrueFalse,
		Stem:      "Blameless post-mortems name who broke it.",
		Options:   []Option{{Text: "True", Feedback: "[No]: they name what broke."}, {Text: "False", Correct: true}},
		Rationale: "Focus on systems.",
	}, {
		ID: "tf-no-feedback", Status: Active, Domain: SoftSkills, Tiers: []string{"foundation"}, Topic: "stakeholders / feedback", Type: TrueFalse,
		Stem:    "Plain.",
		Options: []Option{{Text: "True"}, {Text: "False", Correct: true}},
	}, {
		ID: "single-one-wrong-feedback", Status: Void, Domain: Concepts, Tiers: []string{"a_b", "c-d"}, Topic: "drift", Type: Multiple,
		Stem:    "Only one is right, but more could be.",
		Options: []Option{{Text: "right", Correct: true}, {Text: "wrong", Feedback: "=no"}},
	}}
}

// TestWriteGIFTRoundTrip: what WriteGIFT writes, ParseGIFT reads back the
// same, but for the times, which GIFT does not carry.
func TestWriteGIFTRoundTrip(t *testing.T) {
	items := sampleItems()
	var buf bytes.Buffer
	if err := WriteGIFT(&buf, items); err != nil {
		t.Fatal(err)
	}
	got, skipped, err := ParseGIFT(buf.Bytes(), ParseOptions{Tiers: []string{"ignored"}, Domain: Tools, Status: Draft})
	if err != nil {
		t.Fatalf("ParseGIFT of the export: %v\n%s", err, buf.String())
	}
	if len(skipped) != 0 || len(got) != len(items) {
		t.Fatalf("got %d items and %d skipped, want %d items", len(got), len(skipped), len(items))
	}
	for i, p := range got {
		want := items[i]
		want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(p.Item, want) {
			t.Errorf("item %s:\n got %+v\nwant %+v", want.ID, p.Item, want)
		}
	}
	if t.Failed() {
		t.Logf("export:\n%s", buf.String())
	}
}

func TestWriteGIFTFormat(t *testing.T) {
	items := []Item{{
		ID: "q1", Status: Active, Domain: Tools, Tiers: []string{"foundation"}, Topic: "data hygiene", Type: Single,
		Stem:      "What is 1 + 1?\nReally.",
		Options:   []Option{{Text: "2", Correct: true, Feedback: "Yes: two."}, {Text: "3"}},
		Rationale: "Arithmetic.", Source: "Peano",
	}, {
		ID: "q2", Status: Active, Domain: Tools, Tiers: []string{"foundation"}, Topic: "data hygiene", Type: Multiple,
		Stem:    "Pick the evens.",
		Options: []Option{{Text: "2", Correct: true}, {Text: "3"}, {Text: "4", Correct: true}, {Text: "6", Correct: true}},
	}, {
		ID: "q3", Status: Draft, Domain: Concepts, Type: TrueFalse,
		Stem:    "Zero is even.",
		Options: []Option{{Text: "True", Correct: true}, {Text: "False", Feedback: "It is."}},
	}}
	var buf bytes.Buffer
	if err := WriteGIFT(&buf, items); err != nil {
		t.Fatal(err)
	}
	want := `// Question bank exported from mopscert: 3 items, texts in Markdown.
// Comments starting with // @ hold what GIFT has no place for; Moodle ignores them.

$CATEGORY: tools/data hygiene

// @tiers: foundation
// @status: active
// @source: Peano
::q1::[markdown]What is 1 + 1?\nReally.{
	=2#Yes\: two.
	~3
	####Arithmetic.
}

// @tiers: foundation
// @status: active
::q2::[markdown]Pick the evens.{
	~%33.33333%2
	~%-100%3
	~%33.33333%4
	~%33.33333%6
}

$CATEGORY: concepts

// @tiers:
// @status: draft
::q3::[markdown]Zero is even.{TRUE#It is.}

`
	if got := buf.String(); got != want {
		t.Errorf("WriteGIFT:\n%s\nwant:\n%s", got, want)
	}
}

// TestWriteGIFTEscapes sends every GIFT control character, alone and in
// company, through WriteGIFT and back.
func TestWriteGIFTEscapes(t *testing.T) {
	texts := []string{`~`, `=`, `#`, `{`, `}`, `:`, `\`, `\\`, `\n`, "a\nb", "a\r\nb", `::x::`, `####`, `%100%`, `[html]x`,
		`//not a comment`, "$CATEGORY: x", `\~ \= \# \{ \} \:`, "-> arrow", "T", "TRUE", "_____"}
	for _, s := range texts {
		t.Run(s, func(t *testing.T) {
			it := Item{ID: "esc", Status: Draft, Domain: Concepts, Tiers: []string{}, Type: Single,
				Stem: "Stem " + s, Rationale: s, Source: s,
				Options: []Option{{Text: s, Correct: true, Feedback: s}, {Text: "other " + s, Feedback: s + " other"}}}
			it.Normalize()
			var buf bytes.Buffer
			if err := WriteGIFT(&buf, []Item{it}); err != nil {
				t.Fatal(err)
			}
			got, _, err := ParseGIFT(buf.Bytes(), ParseOptions{})
			if err != nil {
				t.Fatalf("%v\n%s", err, buf.String())
			}
			want := it
			want.Stem = strings.ReplaceAll(want.Stem, "\r\n", "\n")
			want.Rationale = strings.ReplaceAll(want.Rationale, "\r\n", "\n")
			want.Source = strings.ReplaceAll(want.Source, "\r\n", "\n")
			for i := range want.Options {
				want.Options[i].Text = strings.ReplaceAll(want.Options[i].Text, "\r\n", "\n")
				want.Options[i].Feedback = strings.ReplaceAll(want.Options[i].Feedback, "\r\n", "\n")
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0].Item, want) {
				t.Errorf("got %+v\nwant %+v\nfile:\n%s", got, want, buf.String())
			}
		})
	}
}

// FuzzGIFT: whatever the input, ParseGIFT does not panic; what it accepts
// is valid, and survives WriteGIFT and ParseGIFT unchanged.
func FuzzGIFT(f *testing.F) {
	f.Add("::q::Which {=a#fb ~b ~%50%c ####why}")
	f.Add("$CATEGORY: tools/x\n\n// @tiers: a, b\nQ? {TRUE#x#y}")
	f.Add("Grant is {~buried =entombed ~living} in Grant's tomb.")
	f.Add("[html]<p>Is <b>it</b>?</p>{~%50%<i>a</i> ~%50%b ~%-100%c}")
	f.Add(`Esc \{ \} \~ \= \# \: \\ \n{=\\ ~\~}`)
	f.Fuzz(func(t *testing.T, in string) {
		got, _, err := ParseGIFT([]byte(in), ParseOptions{SkipUnsupported: true})
		if err != nil {
			if _, ok := apperr.As(err); !ok {
				t.Fatalf("error %v is not an *apperr.Error", err)
			}
			return
		}
		if len(got) == 0 {
			return // all left out
		}
		items := make([]Item, len(got))
		ids := map[string]bool{}
		for i, p := range got {
			items[i] = p.Item
			if err := items[i].Validate(); err != nil || ids[p.Item.ID] || p.Item.ID == "" {
				t.Fatalf("accepted an invalid item or a repeated id: %+v: %v", p.Item, err)
			}
			ids[p.Item.ID] = true
		}
		var buf bytes.Buffer
		if err := WriteGIFT(&buf, items); err != nil {
			t.Fatal(err)
		}
		again, _, err := ParseGIFT(buf.Bytes(), ParseOptions{})
		if err != nil {
			t.Fatalf("export does not import: %v\n%s", err, buf.String())
		}
		for i := range again {
			want := items[i]
			if want.Type == TrueFalse && want.Options[0].Text != "True" {
				continue // comes back as True, False
			}
			if !reflect.DeepEqual(again[i].Item, want) {
				t.Fatalf("round trip:\n got %+v\nwant %+v\nfile:\n%s", again[i].Item, want, buf.String())
			}
		}
	})
}
