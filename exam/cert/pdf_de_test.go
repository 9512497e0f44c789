package cert

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The German certificate: its fixed wording and dates in German, umlauts
// intact through the cp1252 translator (pdftotext reads them back), and
// the file still verifies.
func TestRenderPDFGerman(t *testing.T) {
	pdftotext := needTool(t, "pdftotext", "poppler-utils")
	fx := mustService(t)
	c := fx.issue(t, request("Jürgen Größe"))
	var buf bytes.Buffer
	if err := fx.svc.RenderPDF(&buf, c, "de"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "zertifikat.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{
		"Zertifikat", "Hiermit wird bescheinigt, dass", "Jürgen Größe", "die Prüfung bestanden hat für",
		"Gültig bis", "2. März 2026", "1. März 2028", "Zertifikats-ID", c.ID, "Zum Prüfen scannen",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext output lacks %q:\n%s", want, out)
		}
	}
	for _, english := range []string{"This certifies", "Valid until", "March"} {
		if strings.Contains(text, english) {
			t.Errorf("German certificate still says %q", english)
		}
	}
	if v := fx.svc.VerifyPDF(context.Background(), buf.Bytes()); v.Status != StatusValid {
		t.Errorf("VerifyPDF of the German PDF = %+v", v)
	}
	en, err := fx.svc.PDF(c, "en")
	if err != nil {
		t.Fatal(err)
	}
	if de, _ := fx.svc.PDF(c, "de"); bytes.Equal(en, de) {
		t.Error("the PDF cache served one language for the other")
	}
}

// TestCP1252: the wording's encoding for Helvetica keeps what cp1252 has
// (umlauts, ß, €, the en dash) and marks what it lacks with '.', as
// gofpdf's translator did.
func TestCP1252(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Gültig bis", "G\xfcltig bis"},
		{"Größe – 5 €", "Gr\xf6\xdfe \x96 5 \x80"},
		{"ASCII only", "ASCII only"},
		{"Ω and 王", ". and ."},
		{"", ""},
	} {
		if got := cp1252(tt.in); got != tt.want {
			t.Errorf("cp1252(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
