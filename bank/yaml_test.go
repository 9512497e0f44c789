package bank

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/apperr"
)

// TestYAMLRoundTrip: export then import gives the same items, every field
// but the version.
func TestYAMLRoundTrip(t *testing.T) {
	items := sampleItems()
	items[0].Version = 7
	// Translations ride along with the item (GIFT cannot carry them, so
	// sampleItems has none).
	items[0].Translations = map[string]Variant{"de": {
		Stem: "Welche Regel: `a = b` oder {x: ~y}? # keine Überschrift",
		Options: []VariantOption{
			{Text: "`=` und `~` verwenden", Feedback: "Richtig: {Klammern}"},
			{Text: "[Link](https://example.org/a?b=c#d)", Feedback: "=nein"},
			{Text: "%50% ist kein Gewicht"},
			{Text: "- eine Liste\n- aus zwei"},
		},
		Rationale: "Weil: ja",
	}}
	var buf bytes.Buffer
	if err := WriteYAML(&buf, items); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "version") {
		t.Errorf("export holds a version:\n%s", buf.String())
	}
	got, err := ParseYAML(buf.Bytes(), ParseOptions{})
	if err != nil {
		t.Fatalf("ParseYAML of the export: %v\n%s", err, buf.String())
	}
	if len(got) != len(items) {
		t.Fatalf("got %d items, want %d", len(got), len(items))
	}
	for i, p := range got {
		want := items[i]
		want.Version = 0
		if !reflect.DeepEqual(p.Item, want) {
			t.Errorf("item %s:\n got %+v\nwant %+v", want.ID, p.Item, want)
		}
	}
	if t.Failed() {
		t.Logf("export:\n%s", buf.String())
	}

	// The export of the import is the same file.
	parsed := make([]Item, len(got))
	for i, p := range got {
		parsed[i] = p.Item
	}
	var again bytes.Buffer
	if err := WriteYAML(&again, parsed); err != nil {
		t.Fatal(err)
	}
	if again.String() != buf.String() {
		t.Errorf("second export differs:\n%s\nfirst:\n%s", again.String(), buf.String())
	}
}

func TestYAMLEmptyExport(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteYAML(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "items: []\n" {
		t.Errorf("WriteYAML(nil) = %q", got)
	}
}

const yamlGood = `# A small bank.
items:
  - id: drift-basics
    status: active
    domain: concepts
    tiers: [foundation]
    topic: drift
    type: single
    stem: |
      What is **data drift**?

      Pick one.
    options:
      - text: "A change in the input distribution: P(x)"
        correct: true
        feedback: Right.
      - text: A change in the code
    rationale: Inputs move.
    source: https://example.org/drift
    created_at: 2025-01-31T09:30:00Z
  - type: true_false
    domain: tools
    stem: Docker images are immutable once built and tagged by digest.
    options:
      - {text: "True", correct: true}
      - {text: "False", correct: false}
`

func TestParseYAML(t *testing.T) {
	got, err := ParseYAML([]byte(yamlGood), ParseOptions{Tiers: []string{"ignored"}, Status: Active})
	if err != nil {
		t.Fatal(err)
	}
	checkItems(t, got, []wantItem{{
		line: 3, id: "drift-basics", typ: Single, stem: "What is **data drift**?\n\nPick one.", topic: "drift", rationale: "Inputs move.",
		opts: []Option{o("A change in the input distribution: P(x)", true, "Right."), o("A change in the code", false)},
	}, {
		// No id: one from the stem's first words. No status: draft (the
		// options do not apply to YAML).
		line: 21, id: "docker-images-are-immutable-once-built", typ: TrueFalse, opts: tfTrue,
	}})
	if len(got) == 2 {
		if it := got[1].Item; it.Status != Draft || len(it.Tiers) != 0 || it.Tiers == nil {
			t.Errorf("second item: status %q tiers %#v; want draft and no tiers", it.Status, it.Tiers)
		}
		if c := got[0].Item.CreatedAt; c.IsZero() || c.Location().String() != "UTC" || c.Hour() != 9 {
			t.Errorf("created_at %v", c)
		}
	}

	// CRLF and a byte-order mark change nothing, lines included.
	crlf := "\xEF\xBB\xBF" + strings.ReplaceAll(yamlGood, "\n", "\r\n")
	got2, err := ParseYAML([]byte(crlf), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got2, got) {
		t.Errorf("CRLF with BOM:\n %+v\nwant\n %+v", got2, got)
	}
}

func TestParseYAMLErrors(t *testing.T) {
	item := "  - id: a1\n    domain: concepts\n    type: single\n    stem: S?\n    options:\n      - {text: a, correct: true}\n      - {text: b}\n"
	tests := []struct {
		name string
		in   string
		opt  ParseOptions
		want []apperr.Line
	}{{
		name: "UnknownField",
		in:   "items:\n" + item + "    stems: x\n",
		want: []apperr.Line{{Line: 9, Message: `unknown field "stems"; an item's fields are id, status, domain, tiers, topic, competency, group, type, stem, exhibit, numeric, options, rationale, source, translations, author, created_at, updated_at`}},
	}, {
		name: "UnknownOptionField",
		in:   "items:\n  - id: a1\n    domain: concepts\n    type: single\n    stem: S?\n    options:\n      - text: a\n        correct: true\n        right: yes\n      - {text: b}\n",
		want: []apperr.Line{{Line: 9, Message: `unknown field "right" in an option; an option's fields are text, correct, feedback and match`}},
	}, {
		name: "Version",
		in:   "items:\n" + item + "    version: 3\n",
		want: []apperr.Line{{Line: 9, Message: "version is set by the server; leave it out of the file"}},
	}, {
		name: "TopLevel",
		in:   "bank: x\nitems:\n" + item,
		want: []apperr.Line{{Line: 1, Message: `unknown field "bank" at the top of the file; the file has one field, items:, holding the list of items`}},
	}, {
		name: "NoItemsKey",
		in:   "- id: a\n",
		want: []apperr.Line{{Line: 1, Message: "the file is a mapping with one field, items:, holding the list of items; found a list"}},
	}, {
		name: "Empty",
		in:   "# nothing\n",
		want: []apperr.Line{{Line: 1, Message: "the file holds no questions"}},
	}, {
		name: "EmptyList",
		in:   "items: []\n",
		want: []apperr.Line{{Line: 1, Message: "the file holds no questions"}},
	}, {
		name: "SyntaxIndent",
		in:   "items:\n" + item + "   topic: bad indent\n",
		want: []apperr.Line{{Line: 9, Message: "YAML syntax: did not find expected '-' indicator"}},
	}, {
		name: "SyntaxColon",
		in:   "items:\n" + item + "    topic: a: b\n",
		want: []apperr.Line{{Line: 9, Message: "YAML syntax: mapping values are not allowed in this context"}},
	}, {
		name: "SyntaxUnclosedQuote",
		in:   "items:\n" + item + "    topic: \"open\n    rationale: x\n",
		want: []apperr.Line{{Line: 9, Message: "YAML syntax: found unexpected end of stream"}},
	}, {
		name: "SyntaxTab",
		in:   "items:\n" + item + "\ttopic: x\n",
		want: []apperr.Line{{Line: 9, Message: "YAML syntax: found character that cannot start any token"}},
	}, {
		name: "SecondDocument",
		in:   "items:\n" + item + "---\nitems: []\n",
		want: []apperr.Line{{Line: 10, Message: "a second YAML document starts here (after ---); put every item under the one items: list"}},
	}, {
		name: "Types",
		in: "items:\n  - id: [a]\n    domain: concepts\n    type: single\n    stem: {a: b}\n    tiers: foundation\n" +
			"    options:\n      - {text: a, correct: yes}\n      - text: b\n        correct: 1\n      - just text\n    created_at: yesterday\n",
		want: []apperr.Line{
			{Line: 2, Message: "id: expected text, found a list"},
			{Line: 5, Message: "stem: expected text, found a mapping"},
			{Line: 6, Message: `tiers: expected a list of tier codes such as [foundation, practitioner], found "foundation"`},
			{Line: 8, Message: `options[0].correct: expected true or false, found "yes"`},
			{Line: 10, Message: `options[1].correct: expected true or false, found "1"`},
			{Line: 11, Message: `options[2]: expected an option with text:, correct: and feedback:, found "just text"`},
			{Line: 12, Message: `created_at: expected a time such as 2025-01-31T09:30:00Z, found "yesterday"`},
		},
	}, {
		name: "RepeatedKey",
		in:   "items:\n" + item + "    stem: again\n",
		want: []apperr.Line{{Line: 9, Message: "stem is given twice in this item (first on line 5)"}},
	}, {
		name: "RepeatedID",
		in:   "items:\n" + item + item + strings.Replace(item, "a1", "a2", 1) + item,
		want: []apperr.Line{
			{Line: 9, Message: `id "a1" is already used by the item on line 2`},
			{Line: 23, Message: `id "a1" is already used by the item on line 2`},
		},
	}, {
		name: "Validation",
		in: "items:\n  - id: Bad ID\n    status: live\n    domain: maths\n    tiers: [ok, Not OK]\n    type: single\n    stem: S?\n" +
			"    options:\n      - text: a\n        correct: true\n      - text: b\n        correct: true\n      - text: ' A '\n",
		want: []apperr.Line{
			{Line: 2, Message: "id: Use 2 to 80 lower-case letters, digits and hyphens, starting with a letter or digit."},
			{Line: 3, Message: "status: Use draft, review, active, retired or void."},
			{Line: 4, Message: "domain: Use concepts, tools or soft_skills."},
			{Line: 5, Message: "tiers[1]: A tier code is lower-case letters, digits, - or _."},
			{Line: 8, Message: "options: A single-answer item has exactly one correct option; this one has 2."},
			{Line: 13, Message: "options[2].text: Same text as option 1."},
		},
	}, {
		name: "MaxItems",
		in:   "items:\n" + item + strings.Replace(item, "a1", "a2", 1) + strings.Replace(item, "a1", "a3", 1),
		opt:  ParseOptions{MaxItems: 2},
		want: []apperr.Line{{Line: 16, Message: "the file holds 3 questions; import at most 2 at a time (this is question 3)"}},
	}, {
		name: "NotUTF8",
		in:   "items:\n  - stem: caf\xe9\n",
		want: []apperr.Line{{Line: 2, Message: "the file is not UTF-8 text (this line holds a byte that is not UTF-8); save it as UTF-8 and import it again"}},
	}, {
		name: "UTF16",
		in:   "\xFF\xFEi\x00t\x00",
		want: []apperr.Line{{Line: 1, Message: "the file is UTF-16 text; save it as UTF-8 and import it again"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseYAML([]byte(tt.in), tt.opt)
			if got != nil {
				t.Errorf("returned %d items along with errors", len(got))
			}
			if ls := lineErrs(t, err); !reflect.DeepEqual(ls, tt.want) {
				t.Errorf("errors\n %+v, want\n %+v", ls, tt.want)
			}
			// The same lines in a CRLF file.
			_, err = ParseYAML([]byte(strings.ReplaceAll(tt.in, "\n", "\r\n")), tt.opt)
			if ls := lineErrs(t, err); !reflect.DeepEqual(errLines(ls), errLines(tt.want)) {
				t.Errorf("CRLF: error lines %v, want %v", errLines(ls), errLines(tt.want))
			}
		})
	}
}

// TestParseYAMLGeneratedIDs: items without an id get one from their stem,
// unique within the file and beside the ids given.
func TestParseYAMLGeneratedIDs(t *testing.T) {
	in := "items:\n" +
		"  - {domain: tools, type: true_false, stem: 'What is drift?', options: [{text: 'True', correct: true}, {text: 'False'}]}\n" +
		"  - {id: what-is-drift-2, domain: tools, type: true_false, stem: x, options: [{text: 'True', correct: true}, {text: 'False'}]}\n" +
		"  - {domain: tools, type: true_false, stem: 'What is drift, *really*?', options: [{text: 'True', correct: true}, {text: 'False'}]}\n" +
		"  - {domain: tools, type: true_false, stem: 'What is drift?', options: [{text: 'True', correct: true}, {text: 'False'}]}\n"
	got, err := ParseYAML([]byte(in), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range got {
		ids = append(ids, p.Item.ID)
	}
	if want := []string{"what-is-drift", "what-is-drift-2", "what-is-drift-really", "what-is-drift-3"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids %q, want %q", ids, want)
	}
}

// FuzzYAML: whatever the input, ParseYAML does not panic, returns only
// *apperr.Error, and what it accepts survives WriteYAML and ParseYAML.
func FuzzYAML(f *testing.F) {
	f.Add(yamlGood)
	f.Add("items:\n  - {id: a1, stem: x, options: [{text: a}]}\n")
	f.Add("items: &a [*a]\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseYAML([]byte(in), ParseOptions{})
		if err != nil {
			if _, ok := apperr.As(err); !ok {
				t.Fatalf("error %v is not an *apperr.Error", err)
			}
			return
		}
		items := make([]Item, len(got))
		for i, p := range got {
			items[i] = p.Item
		}
		var buf bytes.Buffer
		if err := WriteYAML(&buf, items); err != nil {
			t.Fatal(err)
		}
		again, err := ParseYAML(buf.Bytes(), ParseOptions{})
		if err != nil {
			t.Fatalf("export does not import: %v\n%s", err, buf.String())
		}
		for i := range again {
			if !reflect.DeepEqual(again[i].Item, items[i]) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", again[i].Item, items[i])
			}
		}
	})
}
