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

	codeGIFTBlockLong   = apperr.DetailCode("import_gift_block_long", "KB")
	codeGIFTOrphanMeta  = apperr.DetailCode("import_gift_orphan_meta", "Name")
	codeGIFTCategory    = apperr.DetailCode("import_gift_category")
	codeGIFTStrayClose  = apperr.DetailCode("import_gift_stray_close")
	codeGIFTUnclosed    = apperr.DetailCode("import_gift_unclosed")
	codeGIFTCloseFirst  = apperr.DetailCode("import_gift_close_first")
	codeGIFTMetaTwice   = apperr.DetailCode("import_gift_meta_twice", "Name", "First")
	codeGIFTMetaUnknown = apperr.DetailCode("import_gift_meta_unknown", "Name")

	codeYAMLSecondDoc    = apperr.DetailCode("import_yaml_second_document")
	codeYAMLTopField     = apperr.DetailCode("import_yaml_top_field", "Field")
	codeYAMLItemsTwice   = apperr.DetailCode("import_yaml_items_twice", "First")
	codeYAMLNoItems      = apperr.DetailCode("import_yaml_no_items")
	codeYAMLFieldTwice   = apperr.DetailCode("import_yaml_field_twice", "Field", "First")
	codeYAMLVersion      = apperr.DetailCode("import_yaml_version")
	codeYAMLItemField    = apperr.DetailCode("import_yaml_item_field", "Field", "Fields")
	codeYAMLNumericValue = apperr.DetailCode("import_yaml_numeric_value")

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
