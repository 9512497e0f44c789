package bank

import (
	"html"
	"reflect"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/apperr"
)

func TestParseAikenMoodleFixtures(t *testing.T) {
	t.Run("Questions", func(t *testing.T) {
		// Moodle's behat test: 2 questions; Q1's answer is B; Q2's raw
		// HTML must show as text.
		got, err := ParseAiken(readShared(t, "aiken/moodle/questions.aiken.txt"), ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		checkItems(t, got, []wantItem{{
			line: 1, id: "the-moodle-project-was-started-by", typ: Single, stem: "The Moodle project was started by:",
			opts: []Option{o("Petr Skoda", false), o("Martin Dougiamas", true), o("Eloy Lafuente", false), o("Tim Hunt", false)},
		}, {
			// Moodle keeps an Aiken True/False question as multiple choice.
			line: 8, typ: Single, opts: []Option{o("True", true), o("False", false)},
		}})
		if len(got) == 2 {
			raw := `Moodle's abilities include handling user input that includes <html class="cool"> & images:`
			if h := html.UnescapeString(RenderInline(got[1].Item.Stem)); h != raw {
				t.Errorf("stem renders as %q, want the text %q", h, raw)
			}
		}
	})
	t.Run("HelpExample", func(t *testing.T) {
		// Both label styles, A. and A); 4 and 6 options.
		got, err := ParseAiken(readShared(t, "aiken/other/moodle_2004_formataiken_help.aiken.txt"), ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		checkItems(t, got, []wantItem{{
			line: 1, stem: "What is the correct answer to this question?",
			opts: []Option{o("Is it this one?", false), o("Maybe this answer?", false), o("Possibly this one?", false), o("Must be this one!", true)},
		}, {
			line: 8, stem: "Which LMS has the most quiz import formats?",
			opts: []Option{o("Moodle", true), o("ATutor", false), o("Claroline", false), o("Blackboard", false), o("WebCT", false), o("Ilias", false)},
		}})
	})
	t.Run("Errors", func(t *testing.T) {
		// aikenformat_test.php: errors on lines 3, 5, 7 and 18; three good
		// questions. An import is all or nothing: nothing comes back.
		data := readShared(t, "aiken/moodle/aiken_errors.txt")
		got, err := ParseAiken(data, ParseOptions{})
		if got != nil {
			t.Errorf("returned %d items along with errors", len(got))
		}
		want := []apperr.Line{
			{Line: 3, Message: "a question needs at least 2 options before its ANSWER line; the one on line 1 has 1"},
			{Line: 5, Message: "an option comes before any question text"},
			{Line: 7, Message: "ANSWER comes before any question text"},
			{Line: 18, Message: "a new question starts here, but the question on line 14 has no ANSWER line"},
		}
		if ls := lineErrs(t, err); !reflect.DeepEqual(ls, want) {
			t.Errorf("errors\n %+v, want\n %+v", ls, want)
		}
		// The three questions Moodle imports are read as Moodle reads them.
		lines, _ := splitLines(data)
		var errs lineErrors
		good := finishDrafts(readAiken(lines, ParseOptions{}, &errs), ParseOptions{}, &errs)
		checkItems(t, good, []wantItem{
			{line: 9, stem: "A good question", opts: []Option{o("Correct", true), o("Incorrect", false)}},
			{line: 18, stem: "A second good question", opts: []Option{o("Incorrect (No space)", false), o("Correct (No space)", true)}},
			{line: 23, stem: `A third good question with HTML chars such as \> \< \&`,
				opts: []Option{o(`Correct (\< \> \&)`, true), o(`Incorrect (\< \> \&)`, false)}},
		})
	})
}

func TestParseAikenErrors(t *testing.T) {
	good := "Good one?\nA) yes\nB) no\nANSWER: A\n\n"
	tests := []struct {
		name string
		in   string
		want []apperr.Line
	}{{
		name: "OneBadAmongGood",
		in:   good + "Which letter?\nA) a\nB) b\nANSWER: C\n\n" + good,
		want: []apperr.Line{{Line: 9, Message: "ANSWER: C is not one of the options (A, B)"}},
	}, {
		name: "MissingAnswerAtEnd",
		in:   good + "Unfinished?\nA) a\nB) b\n",
		want: []apperr.Line{{Line: 6, Message: "the question that starts here has no ANSWER line"}},
	}, {
		name: "TwoLetters",
		in:   good + "Two?\nA) a\nB) b\nANSWER: AB\n",
		want: []apperr.Line{{Line: 9, Message: "ANSWER: AB is not one letter; an Aiken question has exactly one correct option"}},
	}, {
		name: "NoLetter",
		in:   "Q?\nA) a\nB) b\nANSWER:\n",
		want: []apperr.Line{{Line: 4, Message: "ANSWER names no option letter"}},
	}, {
		name: "RepeatedLetter",
		in:   "Q?\nA) a\nB) b\nB) c\nANSWER: B\n",
		want: []apperr.Line{{Line: 4, Message: "option letter B is used twice in this question (first on line 3)"}},
	}, {
		name: "TooFewOptions",
		in:   "Q?\nA) a\nANSWER: A\n\nNone?\nANSWER: A\n",
		want: []apperr.Line{
			{Line: 3, Message: "a question needs at least 2 options before its ANSWER line; the one on line 1 has 1"},
			{Line: 6, Message: "a question needs at least 2 options before its ANSWER line; the one on line 5 has 0"},
		},
	}, {
		name: "TextAfterOptions",
		in:   "Q?\nA) a\nB) b\nmore text\nC) c\nANSWER: A\n",
		// As in Moodle, the text starts a new question, which then has
		// one option.
		want: []apperr.Line{
			{Line: 4, Message: "a new question starts here, but the question on line 1 has no ANSWER line"},
			{Line: 6, Message: "a question needs at least 2 options before its ANSWER line; the one on line 4 has 1"},
		},
	}, {
		name: "StemSplitByBlankLine",
		in:   "First question?\n\nSecond question?\nA) a\nB) b\nANSWER: B\n",
		want: []apperr.Line{{Line: 3, Message: "a new question starts here, but the question on line 1 has no ANSWER line"}},
	}, {
		name: "SameOptionTwice",
		in:   "Q?\nA) same\nB)  Same \nANSWER: A\n",
		want: []apperr.Line{{Line: 3, Message: "options[1].text: Same text as option 1."}},
	}, {
		name: "Empty",
		in:   "\n\n",
		want: []apperr.Line{{Line: 1, Message: "the file holds no questions"}},
	}, {
		name: "MaxItems",
		in:   good + good + good,
		want: []apperr.Line{{Line: 11, Message: "the file holds 3 questions; import at most 2 at a time (this is question 3)"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := ParseOptions{}
			if tt.name == "MaxItems" {
				opt.MaxItems = 2
			}
			for _, in := range []string{tt.in, strings.ReplaceAll(tt.in, "\n", "\r\n"), "\xEF\xBB\xBF" + tt.in} {
				got, err := ParseAiken([]byte(in), opt)
				if got != nil {
					t.Errorf("returned %d items along with errors", len(got))
				}
				if ls := lineErrs(t, err); !reflect.DeepEqual(ls, tt.want) {
					t.Errorf("errors\n %+v, want\n %+v", ls, tt.want)
				}
			}
		})
	}
}

func TestParseAiken(t *testing.T) {
	in := "\xEF\xBB\xBFWhich of these\r\nspans two lines?\r\nA. *stars*\r\n  B)   [brackets]  \r\nC)no space\r\nANSWER: c\r\n" +
		"Straight after an answer\r\nA) 1. one\r\nB) # two\r\nANSWER: B) # two\r\n"
	got, err := ParseAiken([]byte(in), ParseOptions{Tiers: []string{"foundation", "leader"}, Domain: Tools, Status: Review})
	if err != nil {
		t.Fatal(err)
	}
	checkItems(t, got, []wantItem{{
		line: 1, id: "which-of-these-spans-two-lines", typ: Single, stem: "Which of these\nspans two lines?",
		opts: []Option{o(`\*stars\*`, false), o(`\[brackets\]`, false), o("no space", true)},
	}, {
		line: 7, typ: Single, stem: "Straight after an answer",
		opts: []Option{o(`1\. one`, false), o(`\# two`, true)},
	}})
	for _, p := range got {
		it := p.Item
		if it.Domain != Tools || it.Status != Review || !reflect.DeepEqual(it.Tiers, []string{"foundation", "leader"}) || it.Topic != "" {
			t.Errorf("line %d: domain %q status %q tiers %v topic %q", p.Line, it.Domain, it.Status, it.Tiers, it.Topic)
		}
	}
}

// FuzzAiken: whatever the input, ParseAiken does not panic and returns
// only valid items or an *apperr.Error.
func FuzzAiken(f *testing.F) {
	f.Add("Q?\nA) a\nB) b\nANSWER: B\n")
	f.Add("A) x\nANSWER:\n\nQ\nQ2\nB. y\nB. y\nANSWER: b) z")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseAiken([]byte(in), ParseOptions{})
		if err != nil {
			if _, ok := apperr.As(err); !ok {
				t.Fatalf("error %v is not an *apperr.Error", err)
			}
			return
		}
		for _, p := range got {
			if err := p.Item.Validate(); err != nil || p.Item.Type != Single {
				t.Fatalf("accepted %+v: %v", p.Item, err)
			}
		}
	})
}
