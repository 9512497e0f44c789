package web

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// verifierDir holds the Node side of the independent verifier
// (@digitalbazaar/vc with eddsa-rdfc-2022, and jose); `npm ci` there.
const verifierDir = "../exam/cert/testdata/verifier"

// needNodeVerifier skips without Node or the installed packages, unless
// MOPSCERT_REQUIRE_TOOLS=1 makes that a failure.
func needNodeVerifier(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	msg := ""
	switch {
	case err != nil:
		msg = "node is not installed (apt-get install -y nodejs npm)"
	default:
		if _, err := os.Stat(filepath.Join(verifierDir, "node_modules", "@digitalbazaar", "vc")); err != nil {
			msg = "the Node verifier's packages are not installed (cd exam/cert/testdata/verifier && npm ci)"
		}
	}
	if msg == "" {
		return node
	}
	if os.Getenv("MOPSCERT_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg + " and MOPSCERT_REQUIRE_TOOLS=1")
	}
	t.Skip(msg)
	return ""
}

type nodeVerdict struct {
	OK             bool   `json:"ok"`
	Error          string `json:"error"`
	Revoked        *bool  `json:"revoked"`
	Suspended      *bool  `json:"suspended"`
	ListEntries    int    `json:"listEntries"`
	JWTOK          bool   `json:"jwtOk"`
	JWTError       string `json:"jwtError"`
	JWTSubjectName string `json:"jwtSubjectName"`
}

// runNode verifies a JSON-LD credential (raw, as served) and/or a vc+jwt.
func (ts *testServer) runNode(t *testing.T, node string, credential json.RawMessage, jwt string) nodeVerdict {
	t.Helper()
	ob, err := filepath.Abs("../exam/cert/contexts/ob-context-3.0.3.json")
	if err != nil {
		t.Fatal(err)
	}
	var jwks json.RawMessage = ts.call(t, "GET", "/.well-known/jwks.json", "", nil).body
	in, _ := json.Marshal(map[string]any{"base": ts.URL, "now": ts.clk.Now(), "obContext": ob, "credential": credential, "jwt": jwt, "jwks": jwks})
	cmd := exec.Command(node, "verify.mjs")
	cmd.Dir = verifierDir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node verifier: %v\n%s", err, stderr.String())
	}
	var v nodeVerdict
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("node verifier said %s: %v", out, err)
	}
	return v
}

// changeOneByte alters one letter of the holder's name in a serialized
// credential or JWT payload.
func changeOneByte(t *testing.T, s, near string) string {
	t.Helper()
	i := strings.Index(s, near)
	if i < 0 {
		t.Fatalf("%q not found", near)
	}
	b := []byte(s)
	b[i] ^= 0x01
	return string(b)
}

func TestOpenBadgeIndependentVerifier(t *testing.T) {
	node := needNodeVerifier(t)
	ts := newTestServer(t)
	tok := ts.candidate(t, "holder@example.com")
	c := ts.pass(t, tok)

	r := ts.call(t, "GET", "/api/v1/certificates/"+c.ID+"/credential", tok, nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/vc+ld+json" {
		t.Fatalf("credential: %d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	jr := ts.call(t, "GET", "/api/v1/certificates/"+c.ID+"/credential?format=jwt", tok, nil)
	if jr.status != 200 || jr.header.Get("Content-Type") != "application/vc+jwt" {
		t.Fatalf("vc+jwt: %d %s %s", jr.status, jr.header.Get("Content-Type"), jr.body)
	}
	jwt := string(jr.body)

	v := ts.runNode(t, node, r.body, jwt)
	if !v.OK {
		t.Fatalf("the independent verifier rejects our credential: %s", v.Error)
	}
	if !v.JWTOK || v.JWTSubjectName != c.HolderName {
		t.Fatalf("jose rejects our vc+jwt: %s (subject %q)", v.JWTError, v.JWTSubjectName)
	}
	if v.Revoked == nil || *v.Revoked || v.Suspended == nil || *v.Suspended || v.ListEntries < 131072 {
		t.Fatalf("status before revocation: revoked %v suspended %v, %d entries", v.Revoked, v.Suspended, v.ListEntries)
	}

	t.Run("ErrOneByteChanged", func(t *testing.T) {
		name := c.HolderName[:4]
		bad := ts.runNode(t, node, json.RawMessage(changeOneByte(t, string(r.body), name)), "")
		if bad.OK {
			t.Error("a credential with one byte changed verifies")
		}
		parts := strings.Split(jwt, ".")
		sig := []byte(parts[2])
		sig[10] ^= 0x01
		badJWT := ts.runNode(t, node, nil, parts[0]+"."+parts[1]+"."+string(sig))
		if badJWT.JWTOK {
			t.Error("a vc+jwt with one byte changed verifies")
		}
	})

	t.Run("Revoked", func(t *testing.T) {
		if rr := ts.call(t, "POST", "/api/v1/admin/certificates/"+c.ID+"/revoke", ts.admin, map[string]string{"reason": "misconduct"}); rr.status != 200 {
			t.Fatalf("revoke: %d %s", rr.status, rr.body)
		}
		after := ts.runNode(t, node, r.body, "")
		if !after.OK {
			t.Fatalf("the proof no longer holds after revocation: %s", after.Error)
		}
		if after.Revoked == nil || !*after.Revoked {
			t.Error("the status list does not show the credential revoked")
		}
	})
}
