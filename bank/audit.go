package bank

import (
	"sort"
)

// The test-wiseness audit asks whether someone who knows nothing of
// marketing operations, but knows how multiple-choice items are usually
// written, could pass. It reads the cues named by the item-writing
// literature (Haladyna, Downing & Rodriguez 2002; Millman, Bishop & Ebel
// 1965), per item and across each tier, runs a deterministic cue-only
// guesser against the tier's forms, and proposes enemy groups. The rules
// and word lists are in docs/audit.md.

// AuditFinding is one cue. ItemID is empty for findings about a tier as a
// whole; Group is the proposed enemy group for enemy findings.
type AuditFinding struct {
	ItemID   string   `json:"item_id,omitempty"`
	Tier     string   `json:"tier,omitempty"`
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Evidence string   `json:"evidence,omitempty"`
	Group    string   `json:"group,omitempty"`
	// Language is the variant the cue is in ("" for the authored English).
	Language string `json:"language,omitempty"`
}

// Audit rule ids. Stable, like the lint rule ids.
const (
	// Per item.
	AuditKeyGiveaway      = "key_giveaway"       // error: the key is the only option without an absolute, uniquely longest and most qualified
	AuditKeyMostQualified = "key_most_qualified" // the key is the most qualified, multi-part option; distractors are one-sided
	AuditKeyLongest       = "key_longest"        // the key is clearly the longest option
	AuditAbsolutes        = "absolutes_in_distractors"
	AuditGrammar          = "grammar_agreement"  // a/an or singular/plural agreement leaves only the key
	AuditClang            = "clang"              // the key alone repeats a content word of the stem
	AuditConvergence      = "convergence"        // the key shares the most words with the other options
	AuditTrueFalseWording = "true_false_wording" // the wording answers a true/false item
	AuditEnemy            = "enemy"              // near-duplicate or answering item; Group proposes a group
	// Per tier.
	AuditKeySecondLongest   = "key_second_longest_rate"
	AuditKeyLongestRate     = "key_longest_rate"
	AuditTrueFalseBalance   = "true_false_balance"
	AuditSelectCount        = "select_count_predictable"
	AuditKeyPosition        = "key_position_pattern" // runs or letter shares in file order
	AuditGuesserAboveChance = "guesser_above_chance"
)

// TierForm is what the audit needs to know of a tier to simulate its forms:
// items per domain and the pass mark. bank does not import exam, so the
// caller converts its blueprint.
type TierForm struct {
	Blueprint   map[Domain]int
	PassPercent int
}

// AuditOptions configure Audit. Zero values give the defaults.
type AuditOptions struct {
	Tiers map[string]TierForm // blueprint and pass mark per tier, for the pass probabilities
	Only  string              // audit only this tier's items ("" = all)
	Forms int                 // forms to simulate per tier (default 5000)
	Seed  uint64              // seed of the simulation (default 1)
	// EnemyThreshold is the TF-IDF cosine from which two items are enemies
	// (default DefaultEnemyThreshold).
	EnemyThreshold float64
}

// TierAudit is the guesser's standing on one tier's active items.
type TierAudit struct {
	Tier         string  `json:"tier"`
	Items        int     `json:"items"`         // active items of the tier
	GuesserScore float64 `json:"guesser_score"` // expected percent correct, cue-only guesser
	ChanceScore  float64 `json:"chance_score"`  // expected percent correct, uniform random answers
	// Zero-knowledge pass probabilities on simulated blueprint forms; -1
	// when the tier has no blueprint or the pool cannot fill it.
	GuesserPass float64 `json:"guesser_pass"`
	ChancePass  float64 `json:"chance_pass"`
	Forms       int     `json:"forms"`
	PassPercent int     `json:"pass_percent"`
}

// AuditReport is the whole audit.
type AuditReport struct {
	Tiers    []TierAudit    `json:"tiers"`
	Findings []AuditFinding `json:"findings"`
	Groups   []EnemyGroup   `json:"enemy_groups"`
}

// Errors counts the findings that block activation.
func (r *AuditReport) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			n++
		}
	}
	return n
}

// CountByRule counts findings per rule.
func (r *AuditReport) CountByRule() map[string]int {
	m := map[string]int{}
	for _, f := range r.Findings {
		m[f.Rule]++
	}
	return m
}

// Audit runs every cue over items (in the order given: authored order is
// itself a cue) and scores the guesser on each tier of opt.Tiers. Retired
// and void items are left out; tier-level figures use active items only.
func Audit(items []*Item, opt AuditOptions) *AuditReport {
	if opt.Forms <= 0 {
		opt.Forms = 5000
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.EnemyThreshold <= 0 {
		opt.EnemyThreshold = DefaultEnemyThreshold
	}
	var live []*Item
	for _, it := range items {
		if it == nil || it.Status == Retired || it.Status == Void {
			continue
		}
		if opt.Only != "" && !hasTier(it, opt.Only) {
			continue
		}
		live = append(live, it)
	}
	r := &AuditReport{}
	df := stemDocFreq(live)
	for _, it := range live {
		r.Findings = append(r.Findings, itemCues(it, df)...)
	}

	// Tier-level rules, over each tier's items in file order.
	byTier := map[string][]*Item{}
	var tiers []string
	for _, it := range live {
		for _, t := range it.Tiers {
			if byTier[t] == nil {
				tiers = append(tiers, t)
			}
			byTier[t] = append(byTier[t], it)
		}
	}
	if opt.Only != "" {
		tiers = []string{opt.Only}
	}
	sort.Strings(tiers)
	for _, t := range tiers {
		r.Findings = append(r.Findings, tierCues(t, byTier[t])...)
		var active []*Item
		for _, it := range byTier[t] {
			if it.Status == Active {
				active = append(active, it)
			}
		}
		if len(active) == 0 {
			continue
		}
		// A tier without a form (a file's tier the database does not
		// know) still gets the guesser's score, without pass figures.
		ta := scoreTier(t, active, opt.Tiers[t], opt)
		r.Tiers = append(r.Tiers, ta)
		if ta.GuesserScore > ta.ChanceScore+guesserMarginPoints {
			r.Findings = append(r.Findings, guesserFinding(ta))
		}
	}

	r.Groups = EnemyGroups(live, opt.EnemyThreshold)
	r.Findings = append(r.Findings, enemyFindings(r.Groups)...)
	return r
}

func hasTier(it *Item, t string) bool {
	for _, x := range it.Tiers {
		if x == t {
			return true
		}
	}
	return false
}

// choosable reports whether the candidate picks among the item's options,
// so that option wording can cue the key. Numeric, ordering and matching
// items have no distractors to read.
func choosable(it *Item) bool {
	return it.Type == Single || it.Type == Multiple || it.Type == TrueFalse
}
