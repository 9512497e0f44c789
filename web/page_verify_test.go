package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestVerifyPageEmptyShowsHint(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser(t)
	b.get("/verify")
	r := b.post("/verify", url.Values{"q": {""}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "Paste the verification link") {
		t.Fatalf("empty check: %d\n%s", r.status, r.body)
	}
}

// Whatever is put in the link or the form is not echoed whole.
func TestVerifyPageEchoCapped(t *testing.T) {
	ts := newTestServer(t)
	huge := strings.Repeat("Q", 20000)
	if r := ts.call(t, "GET", "/verify?id="+huge, "", nil); r.status != 200 || bytes.Contains(r.body, []byte(huge[:maxEcho+1])) {
		t.Fatalf("GET with a huge id: %d, echoed: %v", r.status, bytes.Contains(r.body, []byte(huge[:maxEcho+1])))
	}
	b := ts.browser(t)
	b.get("/verify")
	if r := b.post("/verify", url.Values{"q": {huge}}); bytes.Contains(r.body, []byte(huge[:maxEcho+1])) {
		t.Fatalf("POST with a huge input echoed it (%d)", r.status)
	}
	if r := b.post("/verify", url.Values{"q": {"MOPS-0000-0000-0000"}}); !bytes.Contains(r.body, []byte(`value="MOPS-0000-0000-0000"`)) {
		t.Fatalf("a short id is not kept in the field (%d)", r.status)
	}
}

// After a PDF upload the id field stays empty, so pressing Check again
// re-checks nothing odd (it used to hold the file name, "not a certificate id").
func TestVerifyPDFUploadLeavesFieldEmpty(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "pdf.holder@example.com")
	c := ts.pass(t, tok)
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/certificates/"+c.ID+"/pdf", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(res.Body)
	res.Body.Close()

	b := ts.browser(t)
	b.get("/verify")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", b.csrf)
	_ = mw.WriteField("q", "")
	fw, _ := mw.CreateFormFile("pdf", "my certificate.pdf")
	_, _ = fw.Write(pdf)
	_ = mw.Close()
	up, _ := http.NewRequest("POST", ts.URL+"/verify", &body)
	up.Header.Set("Content-Type", mw.FormDataContentType())
	up.Header.Set("Origin", ts.URL)
	r := b.do(up)
	page := string(r.body)
	if r.status != 200 || !strings.Contains(page, `class="verdict valid"`) {
		t.Fatalf("upload: %d\n%s", r.status, page)
	}
	if strings.Contains(page, `value="my certificate.pdf"`) {
		t.Fatal("the file name went into the id field")
	}
}
