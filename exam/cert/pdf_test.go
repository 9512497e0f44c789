package cert

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Names in the scripts the font must cover; tier is the tier name when it
// is not request()'s.
var pdfNames = []struct{ name, holder, tier string }{
	{"LatinDiacritics", "Zoë Ångström", ""},
	{"Greek", "Αλέξανδρος Παπαδόπουλος", ""},
	{"Cyrillic", "Наталья Иванова", ""},
	{"LatinExtended", "Łukasz Żółć-Nguyễn Đăng", ""},
	{"Long", "Maria Magdalena Aleksandrovna Konstantinopoulou-Wolfeschlegelsteinhausen de la Cruz y Montenegro", ""},
	{"Longest", longestName(), ""},
}

// pdfCases adds to pdfNames the two sides of the simple font's limit
// (fontsimple.go): the most distinct characters it encodes, and one more,
// which goes through gofpdf's Unicode font instead.
func pdfCases(tb testing.TB) []struct{ name, holder, tier string } {
	full, fullTier := manyLetters(tb, simpleFontCodes)
	over, overTier := manyLetters(tb, simpleFontCodes+1)
	return append(slices.Clone(pdfNames),
		struct{ name, holder, tier string }{"SimpleFontFull", full, fullTier},
		struct{ name, holder, tier string }{"UnicodeFont", over, overTier})
}

// requestFor is request(holder) with the tier name, if any.
func requestFor(holder, tier string) IssueRequest {
	req := request(holder)
	if tier != "" {
		req.TierName = tier
	}
	return req
}

// longestName is a Greek name of the most characters IssueTx accepts: two
// bytes each in UTF-8, so it makes the longest token and densest QR code.
func longestName() string {
	r := []rune(strings.Repeat("Αλέξανδρος Παπαδόπουλος ", 9))[:maxNameRunes]
	r[len(r)-1] = 'ς'
	return string(r)
}

func renderPDF(t testing.TB, fx *fixture, c Credential) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fx.svc.RenderPDF(&buf, c, "en"); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRenderPDF parses the real output with poppler and qpdf: the text is
// there, the file is well formed, the QR code decodes to the verify link
// and VerifyPDF accepts the file.
func TestRenderPDF(t *testing.T) {
	pdftotext := needTool(t, "pdftotext", "poppler-utils")
	pdftoppm := needTool(t, "pdftoppm", "poppler-utils")
	zbarimg := needTool(t, "zbarimg", "zbar-tools")
	qpdf := needTool(t, "qpdf", "qpdf")
	ctx := context.Background()
	fx := mustService(t)

	for _, tt := range pdfCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := fx.issue(t, requestFor(tt.holder, tt.tier))
			pdf := renderPDF(t, fx, c)
			dir := t.TempDir()
			file := filepath.Join(dir, "cert.pdf")
			if err := os.WriteFile(file, pdf, 0o600); err != nil {
				t.Fatal(err)
			}

			out, err := exec.Command(qpdf, "--check", file).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors") {
				t.Errorf("qpdf --check: %v\n%s", err, out)
			}

			out, err = exec.Command(pdftotext, "-enc", "UTF-8", file, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			// Long names wrap; compare with whitespace folded.
			text := strings.Join(strings.Fields(string(out)), " ")
			for _, want := range []string{
				tt.holder, c.TierName, c.ID, "mopscert — Marketing Operations Certification",
				"2 March 2026", "1 March 2028", "cert.example.org",
				testBaseURL + "/verify?id=" + c.ID,
			} {
				if !strings.Contains(text, want) {
					t.Errorf("pdftotext output lacks %q:\n%s", want, out)
				}
			}

			if got, want := scanQR(t, zbarimg, pdftoppm, file, dir), c.VerifyURL; got != want {
				t.Errorf("QR code = %q, want the verify URL %q", got, want)
			}

			v := fx.svc.VerifyPDF(ctx, pdf)
			if v.Status != StatusValid || v.Certificate == nil || v.Certificate.ID != c.ID {
				t.Errorf("VerifyPDF = %+v, want valid %s", v, c.ID)
			}
		})
	}
}

// scanQR reads the page's QR code with zbar (Debian's zbar-tools), the
// decoder behind many scanner apps. gozxing was tried first and failed on
// about 3 % of codes as large as ours (version 20 and up: the link carries a
// 600-character token) even on clean images, where zbar read every one.
func scanQR(t *testing.T, zbarimg, pdftoppm, file, dir string) string {
	t.Helper()
	page := filepath.Join(dir, "page")
	if err := exec.Command(pdftoppm, "-r", "150", "-png", "-singlefile", file, page).Run(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbarimg, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", page+".png").Output()
	if err != nil {
		t.Fatalf("zbarimg found no QR code on the page: %v", err)
	}
	return strings.TrimRight(string(out), "\n")
}

// TestRenderPDFConcurrent: documents rendered at the same time do not share
// font state (run with -race).
func TestRenderPDFConcurrent(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	var creds []Credential
	for _, n := range pdfCases(t) {
		creds = append(creds, fx.issue(t, requestFor(n.holder, n.tier)))
	}
	var wg sync.WaitGroup
	results := make([][]byte, 2*len(creds))
	for i := range results {
		wg.Go(func() {
			var buf bytes.Buffer
			if err := fx.svc.RenderPDF(&buf, creds[i%len(creds)], "en"); err != nil {
				t.Error(err)
			}
			results[i] = buf.Bytes()
		})
	}
	wg.Wait()
	for i, pdf := range results {
		c := creds[i%len(creds)]
		if v := fx.svc.VerifyPDF(ctx, pdf); v.Status != StatusValid || v.Certificate.ID != c.ID {
			t.Errorf("document %d: VerifyPDF = %+v, want valid %s", i, v, c.ID)
		}
	}
}

func TestRenderPDFMetadata(t *testing.T) {
	fx := mustService(t)
	c := fx.issue(t, request("Ada Lovelace"))
	bold := sha256.Sum256(fontBold)
	pdf := renderPDF(t, fx, c)
	if sha256.Sum256(fontBold) != bold {
		t.Error("rendering changed the embedded font bytes")
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if !bytes.Contains(pdf, []byte("/Keywords ("+c.Token+")")) {
		t.Error("the token is not in /Keywords as a plain string")
	}
	if bytes.Contains(pdf, []byte("/Length1 759720")) || len(pdf) > 100<<10 {
		t.Errorf("the PDF is %d bytes: is the font subset and compressed?", len(pdf))
	}
	if !bytes.Contains(pdf, []byte("/FlateDecode")) {
		t.Error("compression is off")
	}
	if err := fx.svc.RenderPDF(&bytes.Buffer{}, Credential{}, "en"); err == nil {
		t.Error("RenderPDF rendered a credential without a token")
	}
}

func TestVerifyPDF(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	c := fx.issue(t, request("Zoë Ångström"))
	pdf := renderPDF(t, fx, c)
	revoked := fx.issue(t, request("Revoked Holder"))
	revokedPDF := renderPDF(t, fx, revoked)
	if _, err := fx.svc.Revoke(ctx, revoked.ID, "Identity fraud.", "u_admin"); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name   string
		pdf    []byte
		status string
		reason string
	}{
		{"OK", pdf, StatusValid, ""},
		{"OKJunkBeforeHeader", append([]byte("\r\n\xef\xbb\xbf"), pdf...), StatusValid, ""},
		{"OKTokenAsUTF16HexString", fakePDF("/Keywords <FEFF" + utf16Hex(c.Token) + ">"), StatusValid, ""},
		{"OKTokenAsUTF16Literal", fakePDF("/Keywords (\xfe\xff" + utf16Literal(c.Token) + ")"), StatusValid, ""},
		{"OKTokenInCompressedStream", fakePDFStream("<x:xmpmeta><pdf:Keywords>" + c.Token + "</pdf:Keywords></x:xmpmeta>"), StatusValid, ""},
		{"OKTokenSplitAcrossLines", fakePDF("/Keywords (" + c.Token[:100] + "\\\n" + c.Token[100:] + ")"), StatusValid, ""},
		{"OKForgedTokenFirst", fakePDF("/Subject (" + alterPayloadByte(t, c.Token) + ") /Keywords (" + c.Token + ")"), StatusValid, ""},
		{"OKRevoked", revokedPDF, StatusRevoked, ""},
		{"ErrNotPDF", []byte("GIF89a this is an image"), StatusInvalid, "not a PDF"},
		{"ErrEmpty", nil, StatusInvalid, "not a PDF"},
		{"ErrTooLarge", append(append([]byte{}, pdf...), make([]byte, maxPDFSize)...), StatusInvalid, "too large"},
		{"ErrNoToken", fakePDF("/Title (Hello)"), StatusInvalid, "does not carry"},
		// The token is also in the link annotations: alter every copy.
		{"ErrTokenAltered", bytes.ReplaceAll(pdf, []byte(c.Token), []byte(alterPayloadByte(t, c.Token))), StatusInvalid, "signature"},
		{"ErrTokenFromElsewhere", fakePDF("/Keywords (" + mustHS256(t) + ")"), StatusInvalid, ""},
		{"ErrZipBomb", fakePDFStream(strings.Repeat("A", 40<<20)), StatusInvalid, "does not carry"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			v := fx.svc.VerifyPDF(ctx, tt.pdf)
			if v.Status != tt.status || (v.Certificate == nil) != (tt.status == StatusInvalid) {
				t.Fatalf("VerifyPDF = %+v, want %s", v, tt.status)
			}
			if !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("reason = %q, want it to mention %q", v.Reason, tt.reason)
			}
			if d := time.Since(start); d > 5*time.Second { // generous: -race on a busy machine
				t.Errorf("VerifyPDF took %v", d)
			}
		})
	}
}

// fakePDF is a minimal PDF whose information dictionary holds info, as
// another program re-saving our certificate might write it.
func fakePDF(info string) []byte {
	return []byte("%PDF-1.7\n1 0 obj\n<< " + info + " >>\nendobj\ntrailer\n<< /Info 1 0 R >>\n%%EOF\n")
}

func fakePDFStream(content string) []byte {
	var z bytes.Buffer
	w, _ := zlibWriter(&z)
	_, _ = w.Write([]byte(content))
	_ = w.Close()
	return []byte("%PDF-1.7\n1 0 obj\n<< /Length " + itoa(z.Len()) + " /Filter /FlateDecode >>\nstream\n" +
		z.String() + "\nendstream\nendobj\n%%EOF\n")
}

func utf16Hex(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteString(strings.ToUpper(hex4(r)))
	}
	return b.String()
}

func utf16Literal(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteByte(0)
		b.WriteByte(byte(r))
	}
	return b.String()
}

func hex4(r rune) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[r>>12&15], digits[r>>8&15], digits[r>>4&15], digits[r&15]})
}

func itoa(n int) string { return strconv.Itoa(n) }

func zlibWriter(w io.Writer) (io.WriteCloser, error) { return zlib.NewWriter(w), nil }
