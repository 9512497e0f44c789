package cert

import "github.com/mopscert/mopscert/apperr"

// The codes of the field messages administrators read when revoking or
// listing certificates, with the names of their arguments: web words them
// in the reader's language (catalogue keys err.field.<code>). Issue's own
// checks (service.go) guard a request built by the exam service, not by
// people, and stay English.
var (
	codeRevokeReason       = apperr.FieldCode("revoke_reason_required", "Max")
	codeRevokePublicReason = apperr.FieldCode("revoke_public_reason", "Reasons")
	codeRevokeNote         = apperr.FieldCode("revoke_note_too_long", "Max")
	codeListStatus         = apperr.FieldCode("cert_list_status")
)
