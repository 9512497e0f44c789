package cert

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mr-tron/base58"
)

// Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C VC Data
// Integrity EdDSA Cryptosuites v1.0, §3.2): the proof options and the
// document without its proof are each canonicalized with RDFC-1.0 and hashed
// with SHA-256; Ed25519 signs proofHash || documentHash; proofValue is the
// signature in base58btc multibase ("z…").

const (
	proofType        = "DataIntegrityProof"
	cryptosuite      = "eddsa-rdfc-2022"
	purposeAssertion = "assertionMethod"
)

// multicodec prefix of an Ed25519 public key (0xed, as an unsigned varint).
var ed25519Multicodec = []byte{0xed, 0x01}

// publicKeyMultibase encodes an Ed25519 public key as a Multikey value:
// base58btc of 0xed01 || key, which always starts "z6Mk".
func publicKeyMultibase(pub ed25519.PublicKey) string {
	return "z" + base58.Encode(append(append([]byte{}, ed25519Multicodec...), pub...))
}

// errProof is the one answer for any proof that does not hold: which check
// failed is logged nowhere and told to no one, since it only helps a forger.
var errProof = errors.New("the credential's proof does not hold")

// cloneJSON deep-copies a JSON object through encoding/json, so signing and
// verifying never alter the caller's map.
func cloneJSON(doc map[string]any) (map[string]any, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// hashData is proofHash || docHash for a document (without proof) and the
// proof options (without proofValue).
func hashData(doc, proof map[string]any) ([]byte, error) {
	unsecured, err := cloneJSON(doc)
	if err != nil {
		return nil, err
	}
	delete(unsecured, "proof")
	cfg, err := cloneJSON(proof)
	if err != nil {
		return nil, err
	}
	delete(cfg, "proofValue")
	cfg["@context"] = unsecured["@context"]
	cfgN, err := canonicalize(cfg)
	if err != nil {
		return nil, fmt.Errorf("proof options: %w", err)
	}
	docN, err := canonicalize(unsecured)
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	ph := sha256.Sum256([]byte(cfgN))
	dh := sha256.Sum256([]byte(docN))
	return append(ph[:], dh[:]...), nil
}

// addProof signs doc (which must carry its @context) and returns a copy with
// the proof added.
func addProof(doc map[string]any, k *signingKey, vm string, created time.Time) (map[string]any, error) {
	if k.priv == nil {
		return nil, errors.New("add proof: no private key")
	}
	proof := map[string]any{
		"type":               proofType,
		"cryptosuite":        cryptosuite,
		"created":            created.UTC().Format(time.RFC3339),
		"verificationMethod": vm,
		"proofPurpose":       purposeAssertion,
	}
	data, err := hashData(doc, proof)
	if err != nil {
		return nil, fmt.Errorf("add proof: %w", err)
	}
	proof["proofValue"] = "z" + base58.Encode(ed25519.Sign(k.priv.k, data))
	out, err := cloneJSON(doc)
	if err != nil {
		return nil, err
	}
	out["proof"] = proof
	return out, nil
}

// verifyProof checks doc's single eddsa-rdfc-2022 proof. keyFor resolves the
// proof's verificationMethod to a key of ours (false when it names none).
func verifyProof(doc map[string]any, keyFor func(vm string) (ed25519.PublicKey, bool, error)) error {
	proof, ok := doc["proof"].(map[string]any)
	if !ok {
		return errProof // absent, or a set of proofs: we issue exactly one
	}
	str := func(k string) string { s, _ := proof[k].(string); return s }
	if str("type") != proofType || str("cryptosuite") != cryptosuite || str("proofPurpose") != purposeAssertion {
		return errProof
	}
	pv := str("proofValue")
	if !strings.HasPrefix(pv, "z") {
		return errProof
	}
	sig, err := base58.Decode(pv[1:])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errProof
	}
	pub, ok, err := keyFor(str("verificationMethod"))
	if err != nil {
		return internalError{err}
	}
	if !ok {
		return errProof
	}
	data, err := hashData(doc, proof)
	if err != nil {
		return errProof // a document we cannot canonicalize is not one we signed
	}
	if !ed25519.Verify(pub, data, sig) {
		return errProof
	}
	return nil
}
