package bank

import "github.com/mopscert/mopscert/apperr"

// The codes of Item.Validate's field messages, with the names of their
// arguments: web words them in the reader's language (catalogue keys
// err.field.<code>) for the item editor and the API; the English sentences
// stay at the checks (the CLI and import lines print them). The variants'
// messages (variant.go) have no codes yet and show in English.
var (
	codeItemID             = apperr.FieldCode("item_id")
	codeItemStatus         = apperr.FieldCode("item_status")
	codeItemDomain         = apperr.FieldCode("item_domain")
	codeItemTierCode       = apperr.FieldCode("item_tier_code")
	codeItemActiveTier     = apperr.FieldCode("item_active_needs_tier")
	codeItemType           = apperr.FieldCode("item_type")
	codeItemStemRequired   = apperr.FieldCode("item_stem_required")
	codeItemStemTooLong    = apperr.FieldCode("item_stem_too_long", "Max")
	codeItemRationaleLong  = apperr.FieldCode("item_rationale_too_long", "Max")
	codeItemTopicLong      = apperr.FieldCode("item_topic_too_long", "Max")
	codeItemSourceLong     = apperr.FieldCode("item_source_too_long", "Max")
	codeItemNumericOptions = apperr.FieldCode("item_numeric_no_options")
	codeItemOptionCount    = apperr.FieldCode("item_option_count", "Min", "Max")
	codeItemOptionText     = apperr.FieldCode("item_option_text_required")
	codeItemOptionLong     = apperr.FieldCode("item_option_too_long", "Max")
	codeItemOptionSame     = apperr.FieldCode("item_option_duplicate", "Option")
	codeItemFeedbackLong   = apperr.FieldCode("item_feedback_too_long", "Max")
	codeItemSingleKey      = apperr.FieldCode("item_single_key", "Count")
	codeItemMultipleKey    = apperr.FieldCode("item_multiple_key")
	codeItemTrueFalse      = apperr.FieldCode("item_true_false")
	codeItemOrderingKey    = apperr.FieldCode("item_ordering_key")
	codeItemMatchingKey    = apperr.FieldCode("item_matching_key")

	codeItemExhibitLong     = apperr.FieldCode("item_exhibit_too_long", "Max")
	codeItemGroup           = apperr.FieldCode("item_group", "Max")
	codeItemCompetencyLong  = apperr.FieldCode("item_competency_too_long", "Max")
	codeItemNumericMissing  = apperr.FieldCode("item_numeric_key_missing")
	codeItemNumericOnly     = apperr.FieldCode("item_numeric_key_only")
	codeItemValueFinite     = apperr.FieldCode("item_numeric_value_finite")
	codeItemValueLarge      = apperr.FieldCode("item_numeric_value_large")
	codeItemToleranceFinite = apperr.FieldCode("item_numeric_tolerance_finite")
	codeItemToleranceNeg    = apperr.FieldCode("item_numeric_tolerance_negative")
	codeItemUnitLong        = apperr.FieldCode("item_unit_too_long", "Max")
	codeItemMatchOnly       = apperr.FieldCode("item_match_only_matching")
	codeItemMatchRequired   = apperr.FieldCode("item_match_required")
	codeItemMatchLong       = apperr.FieldCode("item_match_too_long", "Max")
	codeItemMatchSame       = apperr.FieldCode("item_match_duplicate", "Option")

	// Rekeying an item (store_regrade.go).
	codeRekeyRange     = apperr.FieldCode("regrade_option_range", "Max")
	codeRekeyUnchanged = apperr.FieldCode("regrade_key_unchanged")
)
