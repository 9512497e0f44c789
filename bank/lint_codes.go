package bank

import "github.com/mopscert/mopscert/apperr"

// The codes of the lint findings' sentences (Finding.Msg), with the names
// of their arguments: web words a finding in the reader's language from
// its field (the label) and this code (catalogue keys err.lint_…); the
// English Message stays for the CLI, the import report and English pages.
// Findings of Item.Validate carry its field codes instead; the audit's
// findings and the bank-wide duplicate findings have no code yet.
var (
	codeLintVendor           = apperr.DetailCode("lint_vendor_name", "Name")
	codeLintVendorVariant    = apperr.DetailCode("lint_vendor_name_variant", "Name")
	codeLintNegative         = apperr.DetailCode("lint_negative_stem", "Word")
	codeLintStemShort        = apperr.DetailCode("lint_stem_too_short", "Count", "Min")
	codeLintStemLong         = apperr.DetailCode("lint_stem_too_long", "Count", "Max")
	codeLintSelectMissing    = apperr.DetailCode("lint_select_count_missing")
	codeLintSelectMismatch   = apperr.DetailCode("lint_select_count_mismatch", "Asked", "Correct")
	codeLintRationale        = apperr.DetailCode("lint_missing_rationale")
	codeLintSource           = apperr.DetailCode("lint_missing_source")
	codeLintAllNone          = apperr.DetailCode("lint_all_none_of_the_above", "Phrase")
	codeLintRepeatsStem      = apperr.DetailCode("lint_option_repeats_stem", "Shared", "Words")
	codeLintAbsolute         = apperr.DetailCode("lint_absolute_in_distractor", "Word")
	codeLintLongestKey       = apperr.DetailCode("lint_key_longest_option", "Key", "Mean")
	codeLintCompetencyDraft  = apperr.DetailCode("lint_competency_missing")
	codeLintCompetencyActive = apperr.DetailCode("lint_competency_missing_active")
	codeLintCompetencyNone   = apperr.DetailCode("lint_competency_unknown", "Competency")
	codeLintCompetencyDomain = apperr.DetailCode("lint_competency_domain", "Competency", "Area", "AreaDomain", "Domain")
)

// finding builds a finding whose message is the field's label and m.
func finding(rule string, sev Severity, field string, m apperr.Msg) Finding {
	return Finding{Rule: rule, Severity: sev, Field: field, Message: findingLabel(field) + ": " + m.Message, Msg: m}
}
