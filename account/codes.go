package account

import "github.com/mopscert/mopscert/apperr"

// The codes of the field messages this package gives, with the names of
// their arguments: web words them in the reader's language (catalogue keys
// err.field.<code>); the English sentences stay at the checks.
var (
	codeEmailRequired    = apperr.FieldCode("email_required")
	codeEmailTooLong     = apperr.FieldCode("email_too_long")
	codeEmailInvalid     = apperr.FieldCode("email_invalid")
	codeEmailInvisible   = apperr.FieldCode("email_invisible")
	codeEmailMixedScript = apperr.FieldCode("email_mixed_script")
	codeEmailBadDomain   = apperr.FieldCode("email_bad_domain")
	codeEmailCombining   = apperr.FieldCode("email_combining")
	codeEmailUnchanged   = apperr.FieldCode("email_unchanged")

	codeNameRequired  = apperr.FieldCode("name_required")
	codeNameTooLong   = apperr.FieldCode("name_too_long", "Max")
	codeNameInvisible = apperr.FieldCode("name_invisible")
	// A correction asks for "the name", not "your name": an administrator
	// may read it too.
	codeNewNameRequired = apperr.FieldCode("new_name_required")
	codeNewNameTooLong  = apperr.FieldCode("new_name_too_long", "Max")

	codePasswordTooShort = apperr.FieldCode("password_too_short", "Min")
	codePasswordTooLong  = apperr.FieldCode("password_too_long", "Max")
	codePasswordInvalid  = apperr.FieldCode("password_invalid")
	codePasswordBlank    = apperr.FieldCode("password_blank")
	codePasswordCommon   = apperr.FieldCode("password_common")
	codeWrongPassword    = apperr.FieldCode("wrong_password")

	codeLanguageUnknown = apperr.FieldCode("language_unknown")
)
