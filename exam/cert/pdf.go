package cert

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/text/unicode/norm"
	"rsc.io/qr"
)

// DejaVu Sans Bold, cut down to Latin (with its extensions), Greek and
// Cyrillic, so any holder name in those scripts renders; each certificate
// embeds only the glyphs it shows. See fonts/README.md.
//
//go:embed fonts/DejaVuSans-Bold.ttf
var fontBold []byte

const (
	productName = "mopscert — Marketing Operations Certification"
	fontFamily  = "DejaVu"

	// A4 landscape, in millimetres.
	pageW, pageH = 297.0, 210.0
	contentX     = 30.0
	contentW     = pageW - 2*contentX
	// The QR code holds the whole verify link (about 560 characters, more
	// with a long name: version 18 to 26). Its size follows the module
	// count so a module stays near 0.72 mm, over 4 pixels when the page is
	// rendered at 150 dpi, within bounds that keep the layout intact.
	qrModule       = 0.72
	qrMin, qrMax   = 60.0, 74.0
	qrRight, qrBot = pageW - 26, 184.0
	detailsX       = 26.0
	detailsY       = 128.0
	detailsW       = qrRight - qrMax - 8 - detailsX
)

// Colours (RGB).
var (
	ink   = [3]int{33, 37, 41}
	muted = [3]int{96, 104, 112}
	brand = [3]int{20, 78, 94}
)

// RenderPDF writes the certificate as a one-page landscape A4 PDF: product
// name, holder, tier, dates, id, issuer, a QR code of the verify link and the
// link itself, with the token in the metadata (/Keywords) so an uploaded copy
// can be verified by VerifyPDF. The document dates are the issue date, so
// a certificate's PDF looks the same whenever it is downloaded.
//
// Every call builds its own document; what documents share of the font
// (certFace) gofpdf only reads, so concurrent calls are safe.
//
// lang picks the fixed wording and date format ("en", "de"; English for any
// other). The fixed wording stays in built-in Helvetica: German needs only
// cp1252, so its umlauts go through gofpdf's cp1252 translator rather than
// a second embedded face.
func (s *Service) RenderPDF(w io.Writer, c Credential, lang string) error {
	wd := wordingFor(lang)
	if c.Token == "" || c.ID == "" {
		return fmt.Errorf("render certificate: the credential has no id or token")
	}
	verifyURL := s.verifyURL(c.Token)
	// rsc.io/qr with level M (15 % recovery): twenty times faster than
	// go-qrcode here, which tried every mask on each render.
	code, err := qr.Encode(verifyURL, qr.M)
	if err != nil {
		return fmt.Errorf("render certificate %s: QR code: %w", c.ID, err)
	}
	name := norm.NFC.String(c.HolderName)
	face, err := certFont.prepare(productName, name, c.TierName)
	if err != nil {
		return fmt.Errorf("render certificate %s: %w", c.ID, err)
	}

	f := gofpdf.New(gofpdf.OrientationLandscape, gofpdf.UnitMillimeter, "A4", "")
	// No compression of the page: gofpdf would make a new zlib compressor
	// for it (allocating and clearing over 600 KB), half of what was left of
	// a render. What is large is compressed here with pooled compressors:
	// the font file once per character set, the QR code as a form. The page
	// keeps only text and a few lines, about 3 KB.
	f.SetCompression(false)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetCellMargin(0)
	// Only the texts that may be in any script (the holder's name and the
	// tier name, both bold, and the product name for its em dash) use the
	// embedded DejaVu font; everything else is wording we wrote, set in the
	// PDF's built-in Helvetica. One embedded face, cut to those texts'
	// letters (fontsubset.go), keeps the file small and the render quick.
	face.add(f, fontFamily, "B")
	f.SetTitle(wd.TitlePrefix+c.ID+" — "+name, true)
	f.SetSubject(productName+": "+c.TierName, true)
	f.SetAuthor(s.host, true)
	f.SetCreator("mopscert", false)
	f.SetProducer("mopscert", false)
	f.SetKeywords(c.Token, false)
	f.SetCreationDate(c.IssuedAt)
	f.SetModificationDate(c.IssuedAt)
	f.AddPage()
	tr := cp1252 // for Helvetica

	// Frame.
	f.SetDrawColor(brand[0], brand[1], brand[2])
	f.SetLineWidth(1.2)
	f.Rect(10, 10, pageW-20, pageH-20, "D")
	f.SetLineWidth(0.3)
	f.Rect(13.5, 13.5, pageW-27, pageH-27, "D")

	// Headline block, centred.
	fitCentred(f, 24, "B", 15, 15, brand, face.encode(productName)) // has an em dash: the embedded font
	centred(f, 40, 16, "", 34, ink, tr(wd.Certificate))
	centred(f, 62, 7, "", 13, muted, tr(wd.Certifies))
	y := fitCentred(f, 72, "B", 32, 16, ink, face.encode(name))
	centred(f, y+4, 7, "", 13, muted, tr(wd.Passed))
	y = fitCentred(f, y+13, "B", 22, 12, brand, face.encode(c.TierName))

	// Details, bottom left; a name long enough to wrap pushes them down.
	dy := max(detailsY, y+6)
	rows := [][2]string{
		{tr(wd.ID), c.ID},
		{tr(wd.Issued), tr(wd.Date(c.IssuedAt))},
		{tr(wd.ValidUntil), tr(wd.Date(c.ExpiresAt))},
		{tr(wd.Issuer), s.host},
	}
	for _, r := range rows {
		f.SetXY(detailsX, dy)
		text(f, "", 10.5, muted)
		f.CellFormat(34, 6.5, r[0], "", 0, "L", false, 0, "")
		text(f, "B", 11, ink)
		f.CellFormat(detailsW-34, 6.5, r[1], "", 0, "L", false, 0, "")
		dy += 7
	}
	dy += 2
	short := s.shortVerifyURL(c.ID)
	f.SetXY(detailsX, dy)
	text(f, "", 9.5, muted)
	line := tr(wd.CheckAt) + short
	if w := f.GetStringWidth(line); w > detailsW { // a long base URL
		f.SetFontSize(max(6, 9.5*detailsW/w*0.98))
	}
	f.CellFormat(detailsW, 5, line, "", 0, "L", false, 0, short)
	dy += 6.5
	// The full link is long (it carries the token); print it small and
	// wrapped so it can still be copied, and make it clickable.
	f.SetXY(detailsX, dy)
	text(f, "", 5.6, muted)
	f.MultiCell(detailsW, 2.5, verifyURL, "", "L", false)
	f.LinkString(detailsX, dy, detailsW, f.GetY()-dy, verifyURL)

	// QR code of the full link, bottom right, and its caption.
	bm := make([][]bool, code.Size) // no border: the layout keeps the quiet zone clear
	for y := range bm {
		bm[y] = make([]bool, code.Size)
		for x := range bm[y] {
			bm[y][x] = code.Black(x, y)
		}
	}
	size := min(qrMax, max(qrMin, float64(len(bm))*qrModule))
	qrX, qrY := qrRight-size, qrBot-size
	drawQR(f, bm, qrX, qrY, size)
	f.LinkString(qrX, qrY, size, size, verifyURL)
	f.SetXY(qrX, qrBot+3.2) // below the quiet zone of four modules
	text(f, "", 8, muted)
	f.CellFormat(size, 4, tr(wd.Scan), "", 0, "C", false, 0, "")

	if err := f.Error(); err != nil {
		return fmt.Errorf("render certificate %s: %w", c.ID, err)
	}
	// Render fully before writing, so a failure never leaves half a PDF
	// in the response.
	var buf bytes.Buffer
	buf.Grow(48 << 10)
	if err := f.Output(&buf); err != nil {
		return fmt.Errorf("render certificate %s: %w", c.ID, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// text sets built-in Helvetica (ASCII only) for the fixed wording.
func text(f *gofpdf.Fpdf, style string, size float64, rgb [3]int) {
	f.SetFont("Helvetica", style, size)
	f.SetTextColor(rgb[0], rgb[1], rgb[2])
}

func centred(f *gofpdf.Fpdf, y, h float64, style string, size float64, rgb [3]int, s string) {
	text(f, style, size, rgb)
	f.SetXY(contentX, y)
	f.CellFormat(contentW, h, s, "", 0, "C", false, 0, "")
}

// fitCentred prints s (encoded for the embedded face) centred on one line, shrinking the font from maxPt
// down to minPt to fit; a name still too long wraps. It returns the y below.
func fitCentred(f *gofpdf.Fpdf, y float64, style string, maxPt, minPt float64, rgb [3]int, s string) float64 {
	f.SetFont(fontFamily, style, maxPt) // any script: the embedded font
	f.SetTextColor(rgb[0], rgb[1], rgb[2])
	size := maxPt
	if w := f.GetStringWidth(s); w > contentW {
		size = max(minPt, maxPt*contentW/w*0.98)
		f.SetFontSize(size)
	}
	h := size * 0.3528 * 1.3 // points to millimetres, with line spacing
	f.SetXY(contentX, y)
	if f.GetStringWidth(s) <= contentW {
		f.CellFormat(contentW, h, s, "", 0, "C", false, 0, "")
		return y + h
	}
	f.MultiCell(contentW, h, s, "", "C", false)
	return f.GetY()
}
