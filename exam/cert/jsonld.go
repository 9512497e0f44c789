package cert

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// JSON-LD contexts live in the binary: a verifier that fetched them at run
// time could be fed a different meaning for the same words, and a server
// without outbound network must still sign and verify.

//go:embed contexts/*.json contexts/*.jsonld
var contextFiles embed.FS

// Context URLs the credentials use.
const (
	ContextVCv2          = "https://www.w3.org/ns/credentials/v2"
	ContextOB303         = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	ContextMultikey      = "https://w3id.org/security/multikey/v1"
	ContextDIDv1         = "https://www.w3.org/ns/did/v1"
	ContextDataIntegrity = "https://w3id.org/security/data-integrity/v2"
)

// contextByURL maps each URL we serve to its embedded file. The OB file is
// 1EdTech's current copy of 3.0.3 (the one that defines awardedDate); the
// others are the W3C/CCG copies shipped by Digital Bazaar's npm packages.
var contextByURL = map[string]string{
	ContextVCv2:          "contexts/credentials-v2.jsonld",
	ContextOB303:         "contexts/ob-context-3.0.3.json",
	ContextMultikey:      "contexts/multikey-v1.jsonld",
	ContextDIDv1:         "contexts/did-v1.jsonld",
	ContextDataIntegrity: "contexts/data-integrity-v2.jsonld",
}

// embeddedLoader serves the embedded contexts and refuses every other URL,
// so canonicalization never touches the network.
type embeddedLoader struct{ docs map[string]any }

func newEmbeddedLoader() *embeddedLoader {
	l := &embeddedLoader{docs: map[string]any{}}
	for u, name := range contextByURL {
		b, err := contextFiles.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("embedded context %s: %v", name, err))
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			panic(fmt.Sprintf("embedded context %s: %v", name, err))
		}
		l.docs[u] = doc
	}
	return l
}

// LoadDocument implements ld.DocumentLoader.
func (l *embeddedLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, ok := l.docs[u]
	if !ok {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, "context not embedded (remote loading is off): "+u)
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// Context returns an embedded context file by URL, for serving it to
// clients that want our exact copy.
func Context(u string) ([]byte, bool) {
	name, ok := contextByURL[u]
	if !ok {
		return nil, false
	}
	b, err := contextFiles.ReadFile(name)
	return b, err == nil
}

var sharedLoader = newEmbeddedLoader()

// canonicalize returns the RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD
// document. Safe mode makes a term no context defines an error instead of
// silently dropping it, which would leave it unsigned.
func canonicalize(doc map[string]any) (string, error) {
	opts := ld.NewJsonLdOptions("")
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.DocumentLoader = sharedLoader
	opts.SafeMode = true
	out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		return "", fmt.Errorf("canonicalize: %w", err)
	}
	s, _ := out.(string)
	if strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("canonicalize: the document has no statements")
	}
	return s, nil
}
