package cert

import (
	"fmt"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// pdfWording is the certificate's fixed text in one language. The renderer
// owns its wording (web never reaches into a PDF), so the table lives here.
type pdfWording struct {
	Certificate, Certifies, Passed string
	ID, Issued, ValidUntil, Issuer string
	CheckAt, Scan, TitlePrefix     string
	Date                           func(time.Time) string
}

var germanMonths = [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}

var pdfWordings = map[string]pdfWording{
	"en": {
		Certificate: "Certificate", Certifies: "This certifies that", Passed: "has passed the examination for",
		ID: "Certificate ID", Issued: "Issued", ValidUntil: "Valid until", Issuer: "Issuer",
		CheckAt: "Check it is genuine at ", Scan: "Scan to verify", TitlePrefix: "Certificate ",
		Date: longDate,
	},
	"de": {
		Certificate: "Zertifikat", Certifies: "Hiermit wird bescheinigt, dass", Passed: "die Prüfung bestanden hat für",
		ID: "Zertifikats-ID", Issued: "Ausgestellt", ValidUntil: "Gültig bis", Issuer: "Aussteller",
		CheckAt: "Echtheit prüfen unter ", Scan: "Zum Prüfen scannen", TitlePrefix: "Zertifikat ",
		Date: func(t time.Time) string {
			t = t.UTC()
			return fmt.Sprintf("%d. %s %d", t.Day(), germanMonths[t.Month()-1], t.Year())
		},
	},
}

// PDFLanguages are the languages a certificate can be rendered in.
var PDFLanguages = []string{"en", "de"}

// wordingFor returns the wording of lang, English for any other.
func wordingFor(lang string) pdfWording {
	if w, ok := pdfWordings[lang]; ok {
		return w
	}
	return pdfWordings["en"]
}

// cp1252 encodes wording for the PDF's built-in Helvetica, '.' for what the
// code page lacks, as gofpdf's translator does. That translator parses its
// code page table again for every document and shares one buffer between
// calls; this needs neither.
func cp1252(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		c, ok := charmap.Windows1252.EncodeRune(r)
		if !ok {
			c = '.'
		}
		b = append(b, c)
	}
	return string(b)
}
