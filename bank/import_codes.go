package bank

import "github.com/mopscert/mopscert/apperr"

// The codes of import line messages (apperr.Line) whose sentence is the
// importer's own, with the names of their arguments: web words them in the
// reader's language (catalogue keys err.import_…) on the import page and in
// the API; the English sentences stay at the parsers for the CLI. Messages
// that quote a YAML or number parser's own error text, or a validation
// message prefixed with its field, have no code and stay English.
var (
	codeImportUTF16         = apperr.DetailCode("import_utf16")
	codeImportNotUTF8       = apperr.DetailCode("import_not_utf8")
	codeImportControlChar   = apperr.DetailCode("import_control_char", "Char")
	codeImportDuplicateID   = apperr.DetailCode("import_duplicate_id", "ID", "First")
	codeImportTooMany       = apperr.DetailCode("import_too_many", "Count", "Max", "Question")
	codeImportEmpty         = apperr.DetailCode("import_empty")
	codeImportVoid          = apperr.DetailCode("import_item_void", "ID")
	codeImportVariantNoID   = apperr.DetailCode("import_variant_no_id", "Lang")
	codeImportVariantTwice  = apperr.DetailCode("import_variant_twice", "ID", "First")
	codeImportVariantNoItem = apperr.DetailCode("import_variant_unknown_item", "ID", "Lang")

	codeAikenSecondID      = apperr.DetailCode("import_aiken_second_id", "First", "ID")
	codeAikenBadID         = apperr.DetailCode("import_aiken_bad_id", "ID")
	codeAikenOptionFirst   = apperr.DetailCode("import_aiken_option_first")
	codeAikenAnswerFirst   = apperr.DetailCode("import_aiken_answer_first")
	codeAikenNoAnswerNext  = apperr.DetailCode("import_aiken_no_answer_next", "Question")
	codeAikenNoAnswer      = apperr.DetailCode("import_aiken_no_answer")
	codeAikenIDAlone       = apperr.DetailCode("import_aiken_id_alone")
	codeAikenFewOptions    = apperr.DetailCode("import_aiken_few_options", "Question", "Count")
	codeAikenLetterTwice   = apperr.DetailCode("import_aiken_letter_twice", "Letter", "First")
	codeAikenAnswerEmpty   = apperr.DetailCode("import_aiken_answer_empty")
	codeAikenAnswerMany    = apperr.DetailCode("import_aiken_answer_many", "Answer")
	codeAikenAnswerUnknown = apperr.DetailCode("import_aiken_answer_unknown", "Letter", "Letters")
)
