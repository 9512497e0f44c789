package cert

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// VerifyCredential checks an uploaded Open Badge: a JSON-LD credential with
// its Data Integrity proof, or a vc+jwt (a JSON string). Like a token, the
// proof is checked first: a credential whose proof fails shows no holder.
// The status then comes from our row (revoked, superseded, expired).
func (s *Service) VerifyCredential(ctx context.Context, raw json.RawMessage) Verification {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return invalid("no_credential", "No credential was given.")
	case len(raw) > maxCredentialSize:
		return invalid("credential_too_large", "The credential is too large to be a mopscert credential.")
	case raw[0] == '"':
		var jws string
		if err := json.Unmarshal(raw, &jws); err != nil {
			return invalid("credential_not_json", "The credential is not valid JSON.")
		}
		return s.verifyVCJWT(ctx, strings.TrimSpace(jws))
	case raw[0] == '{':
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			return invalid("credential_not_json", "The credential is not valid JSON.")
		}
		return s.verifyDataIntegrity(ctx, doc)
	}
	return invalid("credential_shape", "The credential must be a JSON-LD object or a vc+jwt string.")
}

// keyForVM accepts only our own verification methods: {base}/issuer#{kid}.
func (s *Service) keyForVM(ctx context.Context) func(string) (ed25519.PublicKey, bool, error) {
	return func(vm string) (ed25519.PublicKey, bool, error) {
		kid, ok := strings.CutPrefix(vm, s.issuerID()+"#")
		if !ok {
			return nil, false, nil
		}
		return s.keys.publicKey(ctx, s.db.R, kid)
	}
}

func (s *Service) verifyDataIntegrity(ctx context.Context, doc map[string]any) Verification {
	if !s.isOurBadge(doc) {
		return invalid("credential_not_ours", "This is not an Open Badge issued by this service.")
	}
	if err := verifyProof(doc, s.keyForVM(ctx)); err != nil {
		var ie internalError
		if errors.As(err, &ie) {
			return checkErr(ie.err)
		}
		return invalid("credential_proof_failed", "The credential's proof does not hold: it was altered or not issued by us.")
	}
	return s.verifyBadgeRow(ctx, doc)
}

// isOurBadge checks the shape before the (costly) proof: our contexts, our
// types, our issuer.
func (s *Service) isOurBadge(doc map[string]any) bool {
	ctxs, _ := doc["@context"].([]any)
	if len(ctxs) != 2 || ctxs[0] != ContextVCv2 || ctxs[1] != ContextOB303 {
		return false
	}
	iss, _ := doc["issuer"].(map[string]any)
	return iss != nil && iss["id"] == s.issuerID()
}

// verifyBadgeRow finishes a check whose proof (or signature) holds.
func (s *Service) verifyBadgeRow(ctx context.Context, doc map[string]any) Verification {
	uri, _ := doc["id"].(string)
	id, ok := strings.CutPrefix(uri, s.credentialURI(""))
	if !ok {
		return invalid("not_issued", "No certificate with this id was issued.")
	}
	return s.verifyRow(ctx, id)
}

func (s *Service) verifyVCJWT(ctx context.Context, jws string) Verification {
	if len(jws) > maxCredentialSize {
		return invalid("credential_too_large", "The credential is too large to be a mopscert credential.")
	}
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return invalid("credential_not_vcjwt", "The credential is not a compact vc+jwt.")
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	pb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return invalid("credential_not_vcjwt", "The credential is not a compact vc+jwt.")
	}
	var h map[string]any
	if err := json.Unmarshal(hb, &h); err != nil {
		return invalid("credential_not_vcjwt", "The credential is not a compact vc+jwt.")
	}
	kid, _ := h["kid"].(string)
	if h["alg"] != "EdDSA" || h["typ"] != vcJWTType || h["crit"] != nil {
		return invalid("credential_header", "The credential's header is not that of a mopscert vc+jwt.")
	}
	pub, ok, err := s.keys.publicKey(ctx, s.db.R, kid)
	if err != nil {
		return checkErr(err)
	}
	if !ok || !ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
		return invalid("credential_signature_failed", "The credential's signature does not hold: it was altered or not issued by us.")
	}
	var doc map[string]any
	if err := json.Unmarshal(pb, &doc); err != nil || !s.isOurBadge(doc) {
		return invalid("credential_not_ours", "This is not an Open Badge issued by this service.")
	}
	return s.verifyBadgeRow(ctx, doc)
}
