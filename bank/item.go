// Package bank holds the question bank: items and their immutable versions,
// the review workflow, the file formats (YAML, Moodle GIFT and Aiken), the
// item-writing lint and the shipped default bank.
package bank

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/mopscert/mopscert/apperr"
)

// Domain is one of the three areas the certification covers.
type Domain string

// The domains.
const (
	Concepts   Domain = "concepts"
	Tools      Domain = "tools"
	SoftSkills Domain = "soft_skills"
)

// Domains lists every domain in display order.
var Domains = []Domain{Concepts, Tools, SoftSkills}

// Valid reports whether d is a known domain.
func (d Domain) Valid() bool { return d == Concepts || d == Tools || d == SoftSkills }

// Status is where an item stands in the review workflow.
type Status string

// The statuses. Only Active items are drawn into exams; Void items drop out
// of scoring for exams already taken.
const (
	Draft   Status = "draft"
	Review  Status = "review"
	Active  Status = "active"
	Retired Status = "retired"
	Void    Status = "void"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case Draft, Review, Active, Retired, Void:
		return true
	}
	return false
}

// transitions is the workflow: an item goes draft → review → active →
// retired; review can send it back to draft; a retired item can come back;
// any published item can be voided, and void is final. An active item can
// go back to review when its statistics call it into question (the stats
// policy does so automatically; an admin restores it with review → active).
var transitions = map[Status][]Status{
	Draft:   {Review, Void},
	Review:  {Draft, Active, Void},
	Active:  {Review, Retired, Void},
	Retired: {Active, Void},
	Void:    {},
}

// CanMove reports whether an item may go from one status to another.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Type is the kind of question.
type Type string

// The question types.
const (
	Single    Type = "single"
	Multiple  Type = "multiple"
	TrueFalse Type = "true_false"
	Numeric   Type = "numeric"
	Ordering  Type = "ordering"
	Matching  Type = "matching"
)

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	switch t {
	case Single, Multiple, TrueFalse, Numeric, Ordering, Matching:
		return true
	}
	return false
}

// Types lists every type in the order an editor offers them.
var Types = []Type{Single, Multiple, TrueFalse, Numeric, Ordering, Matching}

// HasOptions reports whether items of type t carry options (all but numeric).
func (t Type) HasOptions() bool { return t != Numeric }

// Option is one answer choice. Text and Feedback are Markdown.
type Option struct {
	Text     string `json:"text" yaml:"text"`
	Correct  bool   `json:"correct" yaml:"correct"`
	Feedback string `json:"feedback,omitempty" yaml:"feedback,omitempty"`
	// Match is the answer paired with this option's prompt (matching items).
	Match string `json:"match,omitempty" yaml:"match,omitempty"`
}

// NumericKey is the answer to a numeric item: right when within
// Value ± Tolerance (inclusive). Unit is display text.
type NumericKey struct {
	Value     float64 `json:"value" yaml:"value"`
	Tolerance float64 `json:"tolerance" yaml:"tolerance"`
	Unit      string  `json:"unit,omitempty" yaml:"unit,omitempty"`
}

// Item is one version of a question. Stem, option texts, feedback and
// rationale are Markdown, stored literally and sanitized when rendered.
type Item struct {
	ID      string   `json:"id" yaml:"id"`
	Version int      `json:"version" yaml:"-"`
	Status  Status   `json:"status" yaml:"status"`
	Domain  Domain   `json:"domain" yaml:"domain"`
	Tiers   []string `json:"tiers" yaml:"tiers,flow"`
	Topic   string   `json:"topic" yaml:"topic"`
	// Competency is a code from the competency framework (competencies.yaml).
	Competency string `json:"competency,omitempty" yaml:"competency,omitempty"`
	// Group names an enemy group: a form never holds two items of one group.
	Group     string      `json:"group,omitempty" yaml:"group,omitempty"`
	Type      Type        `json:"type" yaml:"type"`
	Stem      string      `json:"stem" yaml:"stem"`
	Exhibit   string      `json:"exhibit,omitempty" yaml:"exhibit,omitempty"`
	Numeric   *NumericKey `json:"numeric,omitempty" yaml:"numeric,omitempty"`
	Options   []Option    `json:"options" yaml:"options"`
	Rationale string      `json:"rationale" yaml:"rationale"`
	Source    string      `json:"source" yaml:"source"`
	// Translations holds the item's wording in other languages, keyed by
	// language code (de); English is the item itself.
	Translations map[string]Variant `json:"translations,omitempty" yaml:"translations,omitempty"`
	Author       string             `json:"author,omitempty" yaml:"author,omitempty"`
	CreatedAt    time.Time          `json:"created_at" yaml:"created_at,omitempty"`
	UpdatedAt    time.Time          `json:"updated_at" yaml:"updated_at,omitempty"`
}

// Correct returns the authored indexes of the correct options.
func (it *Item) Correct() []int {
	var out []int
	for i, o := range it.Options {
		if o.Correct {
			out = append(out, i)
		}
	}
	return out
}

// Limits on item content.
const (
	MinOptions   = 2
	MaxOptions   = 8
	MaxStemLen   = 4000
	MaxOptionLen = 1000
	MaxTextLen   = 4000 // rationale, feedback
)

var (
	slugRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,79}$`)
	tierRe    = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	nonSlugRe = regexp.MustCompile(`[^a-z0-9]+`)
)

// ValidID reports whether id is an acceptable item id: a readable slug.
func ValidID(id string) bool { return slugRe.MatchString(id) }

// Slug makes an id-shaped slug from free text (for ids generated from stems
// or titles). It may be empty when the text has no letters or digits.
func Slug(s string) string {
	s = nonSlugRe.ReplaceAllString(strings.ToLower(s), "-")
	s = strings.Trim(s, "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	return s
}

// Normalize trims what authors and importers leave behind: surrounding blank
// space, an empty status (draft) and duplicate tier codes.
func (it *Item) Normalize() {
	it.ID = strings.TrimSpace(it.ID)
	it.Topic = strings.TrimSpace(it.Topic)
	it.Stem = strings.TrimSpace(it.Stem)
	it.Rationale = strings.TrimSpace(it.Rationale)
	it.Source = strings.TrimSpace(it.Source)
	it.Competency = strings.TrimSpace(it.Competency)
	it.Group = strings.TrimSpace(it.Group)
	it.Exhibit = strings.TrimSpace(it.Exhibit)
	if it.Numeric != nil {
		it.Numeric.Unit = strings.TrimSpace(it.Numeric.Unit)
	}
	if it.Status == "" {
		it.Status = Draft
	}
	seen := map[string]bool{}
	tiers := it.Tiers[:0:0]
	for _, t := range it.Tiers {
		t = strings.TrimSpace(t)
		if t != "" && !seen[t] {
			seen[t] = true
			tiers = append(tiers, t)
		}
	}
	it.Tiers = tiers
	for i := range it.Options {
		it.Options[i].Text = strings.TrimSpace(it.Options[i].Text)
		it.Options[i].Feedback = strings.TrimSpace(it.Options[i].Feedback)
		it.Options[i].Match = strings.TrimSpace(it.Options[i].Match)
	}
	it.normalizeTranslations()
}

// Validate checks the structural rules every version must meet, whatever its
// status. It returns an *apperr.Error naming each bad field, or nil.
func (it *Item) Validate() error {
	f := apperr.FieldMsgs{}
	if it.ID != "" && !ValidID(it.ID) {
		f["id"] = codeItemID.Msg("Use 2 to 80 lower-case letters, digits and hyphens, starting with a letter or digit.")
	}
	if !it.Status.Valid() {
		f["status"] = codeItemStatus.Msg("Use draft, review, active, retired or void.")
	}
	if !it.Domain.Valid() {
		f["domain"] = codeItemDomain.Msg("Use concepts, tools or soft_skills.")
	}
	for i, t := range it.Tiers {
		if !tierRe.MatchString(t) {
			f[fmt.Sprintf("tiers[%d]", i)] = codeItemTierCode.Msg("A tier code is lower-case letters, digits, - or _.")
		}
	}
	if it.Status == Active && len(it.Tiers) == 0 {
		f["tiers"] = codeItemActiveTier.Msg("An active item needs at least one tier to be drawn for.")
	}
	if !it.Type.Valid() {
		f["type"] = codeItemType.Msg("Use single, multiple, true_false, numeric, ordering or matching.")
	}
	switch {
	case it.Stem == "":
		f["stem"] = codeItemStemRequired.Msg("The question needs a stem.")
	case len(it.Stem) > MaxStemLen:
		f["stem"] = codeItemStemTooLong.Msg("Keep the stem under %d characters.", MaxStemLen)
	}
	if len(it.Rationale) > MaxTextLen {
		f["rationale"] = codeItemRationaleLong.Msg("Keep the rationale under %d characters.", MaxTextLen)
	}
	if len(it.Topic) > 100 {
		f["topic"] = codeItemTopicLong.Msg("Keep the topic under %d characters.", 100)
	}
	if len(it.Source) > 500 {
		f["source"] = codeItemSourceLong.Msg("Keep the source under %d characters.", 500)
	}
	n := len(it.Options)
	switch lo, hi := it.Type.optionRange(); {
	case !it.Type.HasOptions() && n > 0:
		f["options"] = codeItemNumericOptions.Msg("A numeric item has no options; its answer is the numeric key.")
	case it.Type.HasOptions() && (n < lo || n > hi):
		f["options"] = codeItemOptionCount.Msg("Give %d to %d options.", lo, hi)
	}
	it.validateExtras(f)
	// The variants' messages have no codes yet: they keep their English.
	tf := map[string]string{}
	it.validateTranslations(tf)
	for k, v := range tf {
		f[k] = apperr.Msg{Message: v}
	}
	seen := map[string]int{}
	correct := 0
	for i, o := range it.Options {
		key := fmt.Sprintf("options[%d].text", i)
		norm := strings.ToLower(strings.Join(strings.Fields(o.Text), " "))
		switch {
		case o.Text == "":
			f[key] = codeItemOptionText.Msg("An option needs text.")
		case len(o.Text) > MaxOptionLen:
			f[key] = codeItemOptionLong.Msg("Keep an option under %d characters.", MaxOptionLen)
		case seen[norm] > 0:
			f[key] = codeItemOptionSame.Msg("Same text as option %d.", seen[norm])
		}
		seen[norm] = i + 1
		if len(o.Feedback) > MaxTextLen {
			f[fmt.Sprintf("options[%d].feedback", i)] = codeItemFeedbackLong.Msg("Keep feedback under %d characters.", MaxTextLen)
		}
		if o.Correct {
			correct++
		}
	}
	if _, bad := f["options"]; !bad {
		switch it.Type {
		case Single:
			if correct != 1 {
				f["options"] = codeItemSingleKey.Msg("A single-answer item has exactly one correct option; this one has %d.", correct)
			}
		case Multiple:
			if correct < 1 {
				f["options"] = codeItemMultipleKey.Msg("A multiple-answer item needs at least one correct option.")
			}
		case TrueFalse:
			if n != 2 || !isTrueFalse(it.Options) || correct != 1 {
				f["options"] = codeItemTrueFalse.Msg("A true/false item has exactly the two options True and False, one of them correct.")
			}
		case Ordering:
			if correct != 0 {
				f["options"] = codeItemOrderingKey.Msg("An ordering item marks no option correct: list the options in the correct order.")
			}
		case Matching:
			if correct != 0 {
				f["options"] = codeItemMatchingKey.Msg("A matching item marks no option correct: give each option its match.")
			}
		}
	}
	if len(f) > 0 {
		return f.Err()
	}
	return nil
}

func isTrueFalse(opts []Option) bool {
	a, b := strings.ToLower(opts[0].Text), strings.ToLower(opts[1].Text)
	return (a == "true" && b == "false") || (a == "false" && b == "true")
}

// Errors callers can act on.
var (
	ErrNotFound        = apperr.New(apperr.NotFound, "item_not_found", "No item has that id.")
	ErrVersionNotFound = apperr.New(apperr.NotFound, "version_not_found", "The item has no such version.")
	ErrIDTaken         = apperr.New(apperr.Conflict, "item_id_taken", "An item with that id already exists.")
	ErrBadTransition   = apperr.New(apperr.Conflict, "status_transition_not_allowed", "The item cannot move to that status from where it is.")
	ErrVersionConflict = apperr.New(apperr.Conflict, "version_conflict", "Someone saved a newer version of this item; reload it and apply your change again.")
	ErrLintBlocks      = apperr.New(apperr.Conflict, "lint_errors", "The item has lint errors that must be fixed before it can be activated.")
)
