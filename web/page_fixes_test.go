package web

import (
	"bytes"
	"encoding/base64"
	"html"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A revoked certificate shows as revoked on the result page and the
// dashboard, with no PDF, share link or QR code; the public sees the
// public reason in words and never the admins' note.
func TestRevokedCertificateEverywhere(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "revoked.holder@example.com")
	c := ts.pass(t, tok)
	var attempts []struct{ ID string }
	ts.call(t, "GET", "/api/v1/attempts", tok, nil).decode(t, &attempts)
	result := "/exam/" + attempts[0].ID + "/result"

	before := string(ts.call(t, "GET", result, tok, nil).body)
	if !strings.Contains(before, `id="pdf-link"`) || !strings.Contains(before, "valid until") {
		t.Fatalf("valid certificate's result page lacks its PDF link:\n%s", before)
	}
	const note = "Ticket 4711: answers shared in a chat group"
	r := ts.call(t, "POST", "/api/v1/admin/certificates/"+c.ID+"/revoke", ts.admin, map[string]string{"public_reason": "misconduct", "note": note})
	if r.status != 200 || !strings.Contains(string(r.body), note) {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	for _, path := range []string{result, "/dashboard"} {
		body := string(ts.call(t, "GET", path, tok, nil).body)
		if !strings.Contains(body, "revoked") || strings.Contains(body, "/pdf") || strings.Contains(body, "valid until") ||
			strings.Contains(body, c.VerifyURL) || strings.Contains(body, "data:image/png") {
			t.Errorf("%s still offers the revoked certificate:\n%s", path, body)
		}
	}
	if own := ts.call(t, "GET", "/api/v1/certificates/"+c.ID, tok, nil); strings.Contains(string(own.body), note) {
		t.Errorf("the holder sees the admins' note: %s", own.body)
	}
	pub := string(ts.call(t, "GET", "/verify?id="+c.ID, "", nil).body)
	if !strings.Contains(pub, "exam misconduct") || strings.Contains(pub, note) {
		t.Errorf("public page shows %q / the note:\n%s", "exam misconduct", pub)
	}
	if v := ts.call(t, "GET", "/api/v1/verify?id="+c.ID, "", nil); strings.Contains(string(v.body), note) || !strings.Contains(string(v.body), `"revoked_reason":"misconduct"`) {
		t.Errorf("public API: %s", v.body)
	}
}

// The first version's {reason} still revokes: kept as the note, "other" in public.
func TestRevokeLegacyReason(t *testing.T) {
	ts := newTestServer(t)
	c := ts.pass(t, ts.candidate(t, "legacy@example.com"))
	r := ts.call(t, "POST", "/api/v1/admin/certificates/"+c.ID+"/revoke", ts.admin, map[string]string{"reason": "Duplicate account"})
	if r.status != 200 || !strings.Contains(string(r.body), `"revoked_reason":"other"`) || !strings.Contains(string(r.body), `"revoked_note":"Duplicate account"`) {
		t.Fatalf("revoke {reason}: %d %s", r.status, r.body)
	}
	if r := ts.call(t, "POST", "/api/v1/admin/certificates/"+c.ID+"/revoke", ts.admin, map[string]string{"public_reason": "bogus"}); r.status != 422 {
		t.Fatalf("unknown public reason: %d %s", r.status, r.body)
	}
}

var qrImg = regexp.MustCompile(`<img src="data:image/png;base64,([^"]+)" width="(\d+)"`)

// The on-screen QR code is shown at its own size with at least 4 pixels
// per module and its quiet zone, so it scans at 1× pixel density.
func TestResultQRCodeScansAt1x(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "qr@example.com")
	ts.pass(t, tok)
	var attempts []struct{ ID string }
	ts.call(t, "GET", "/api/v1/attempts", tok, nil).decode(t, &attempts)
	body := ts.call(t, "GET", "/exam/"+attempts[0].ID+"/result", tok, nil).body
	m := qrImg.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no sized QR image on the result page")
	}
	data, _ := base64.StdEncoding.DecodeString(html.UnescapeString(string(m[1])))
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	w := img.Bounds().Dx()
	shown, _ := strconv.Atoi(string(m[2]))
	if shown != w {
		t.Fatalf("PNG is %d px wide but shown at %d", w, shown)
	}
	// The top-left corner is quiet zone (white), then the finder pattern's
	// black edge: its offset is the quiet zone, 4 modules.
	x := 0
	for ; x < w; x++ {
		if r, _, _, _ := img.At(x, x).RGBA(); r < 0x8000 {
			break
		}
	}
	if module := x / 4; module < 4 {
		t.Fatalf("%d px per module, want at least 4", module)
	}
}

func TestFaviconAndPlurals(t *testing.T) {
	ts := newTestServer(t)
	if r := ts.call(t, "GET", "/static/favicon.svg", "", nil); r.status != 200 || !strings.Contains(string(r.body), "<svg") {
		t.Fatalf("favicon: %d", r.status)
	}
	if r := ts.call(t, "GET", "/", "", nil); !strings.Contains(string(r.body), `rel="icon"`) {
		t.Fatal("pages do not link the icon")
	}
	ts.pass(t, ts.candidate(t, "one@example.com"))
	if r := ts.call(t, "GET", "/admin/certificates", ts.admin, nil); !strings.Contains(string(r.body), "1 certificate matches") {
		t.Fatalf("certificates page: %s", r.body)
	}
}
