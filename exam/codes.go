package exam

import "github.com/mopscert/mopscert/apperr"

// The codes of the field and detailed messages this package gives, with
// the names of their arguments: web words them in the reader's language
// (catalogue keys err.field.<code>, err.<code>); the English sentences stay
// where the checks are.
var (
	// Tier settings (tier_update.go, renewal.go).
	codeTierRange          = apperr.FieldCode("tier_range", "Min", "Max")
	codeTierRangeSeconds   = apperr.FieldCode("tier_range_seconds", "Min", "Max")
	codeTierRangePercent   = apperr.FieldCode("tier_range_percent", "Min", "Max")
	codeTierRangeDays      = apperr.FieldCode("tier_range_days", "Min", "Max")
	codeTierRangeAttempts  = apperr.FieldCode("tier_range_attempts", "Min", "Max")
	codeTierCodeFixed      = apperr.FieldCode("tier_code_fixed")
	codeTierName           = apperr.FieldCode("tier_name", "Max")
	codeTierDescription    = apperr.FieldCode("tier_description_too_long", "Max")
	codeTierOwnPrereq      = apperr.FieldCode("tier_own_prerequisite")
	codeTierPrereqUnknown  = apperr.FieldCode("tier_prerequisite_unknown")
	codeTierPrereqLevel    = apperr.FieldCode("tier_prerequisite_level")
	codeTierLevelTaken     = apperr.FieldCode("tier_level_taken")
	codeTierLevelDependent = apperr.FieldCode("tier_level_dependent")
	codeBlueprintDomain    = apperr.FieldCode("blueprint_domain", "Domains")
	codeBlueprintCount     = apperr.FieldCode("blueprint_count", "Min", "Max")
	codeBlueprintTotal     = apperr.FieldCode("blueprint_total", "Min", "Max")
	codeQuestionCount      = apperr.FieldCode("question_count_follows", "Count")
	codeBlueprintShort     = apperr.FieldCode("blueprint_short", "Available", "Needed")
	codeBlueprintShortEnem = apperr.FieldCode("blueprint_short_enemies", "Available", "Needed")
	codeRenewalMode        = apperr.FieldCode("renewal_mode")
	codeRenewalWindow      = apperr.FieldCode("renewal_window_too_long")

	// Name changes (namechange.go).
	codeNameChangeReason   = apperr.FieldCode("name_change_reason", "Max")
	codeNameChangeSame     = apperr.FieldCode("name_change_same")
	codeNameChangeResponse = apperr.FieldCode("name_change_response")

	// Starting an attempt (start.go, eligibility.go).
	codeExamLanguage      = apperr.FieldCode("exam_language")
	codePrerequisiteTier  = apperr.DetailCode("prerequisite_missing_tier", "Tier")
	codeTooManyAttemptsBy = apperr.DetailCode("too_many_attempts_until", "Max", "Days", "Until")
	codeRetakeAfter       = apperr.DetailCode("retake_after", "Until")
	codeClosedTimeUp      = apperr.DetailCode("attempt_closed_time_up")
	codeClosedSubmitted   = apperr.DetailCode("attempt_closed_submitted")

	// Answers (answer.go).
	codeAnswerTooLong     = apperr.DetailCode("answer_too_long")
	codeAnswerNotTyped    = apperr.DetailCode("answer_takes_choices")
	codeAnswerNotChoices  = apperr.DetailCode("answer_takes_number")
	codeAnswerOrderAll    = apperr.DetailCode("answer_order_all", "Count")
	codeAnswerNoOption    = apperr.DetailCode("answer_no_option", "Option")
	codeAnswerPlacedTwice = apperr.DetailCode("answer_placed_twice", "Option")
	codeAnswerEachPrompt  = apperr.DetailCode("answer_each_prompt", "Count")
	codeAnswerNoAnswer    = apperr.DetailCode("answer_no_answer", "Answer")
	codeAnswerAmbiguous   = apperr.DetailCode("answer_number_ambiguous", "Value")
	codeAnswerNotNumber   = apperr.DetailCode("answer_not_a_number", "Value")
	codeAnswerChosenTwice = apperr.DetailCode("answer_chosen_twice", "Option")
	codeAnswerOneChoice   = apperr.DetailCode("answer_one_choice")

	// Accommodations (admin.go).
	codeAccommodationMultiplier = apperr.FieldCode("accommodation_multiplier", "Min", "Max")
	codeAccommodationNote       = apperr.FieldCode("accommodation_note_too_long", "Max")

	// Regrades (regrade.go).
	codeRegradeItem        = apperr.FieldCode("regrade_item_required")
	codeRegradeCorrectOnly = apperr.FieldCode("regrade_correct_rekey_only")
	codeRegradeCorrectNeed = apperr.FieldCode("regrade_correct_required")
	codeRegradeAction      = apperr.FieldCode("regrade_action")
	codeRegradeReason      = apperr.FieldCode("regrade_reason")

	// Standard-setting studies (standard.go).
	codeStudyTitle         = apperr.FieldCode("study_title", "Max")
	codeStudyMCC           = apperr.FieldCode("study_mcc_definition")
	codeStudyPanelists     = apperr.FieldCode("study_panelists", "Min")
	codeStudyNoItems       = apperr.FieldCode("study_no_items")
	codeStudyPanelistAdmin = apperr.FieldCode("study_panelist_admin")
	codeStudyItemVersion   = apperr.FieldCode("study_item_version", "ID", "Version")
	codeStudyItemTwice     = apperr.FieldCode("study_item_twice", "ID")
	codeRatingNotInStudy   = apperr.FieldCode("rating_not_in_study")
	codeRatingRange        = apperr.FieldCode("rating_range")

	// Challenges (challenge.go).
	codeCommentTooLong    = apperr.FieldCode("comment_too_long", "Max")
	codeChallengeStatus   = apperr.FieldCode("challenge_status")
	codeChallengeDecision = apperr.FieldCode("challenge_decision")
	codeChallengeResponse = apperr.FieldCode("challenge_response", "Max")
)

// rangeFormats are the English sentences of the range codes.
var rangeFormats = map[string]string{
	codeTierRange.ID:         "Use %d to %d.",
	codeTierRangeSeconds.ID:  "Use %d to %d seconds.",
	codeTierRangePercent.ID:  "Use %d to %d percent.",
	codeTierRangeDays.ID:     "Use %d to %d days.",
	codeTierRangeAttempts.ID: "Use %d to %d attempts.",
}
