package cert

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strconv"
	"sync"

	"github.com/jung-kurt/gofpdf"
)

// drawQR draws the symbol at x, y (mm, top left), size wide: filled
// rectangles, one per horizontal run of dark modules, so it stays sharp at
// any zoom. The rectangles go into a form XObject (one unit a module, so
// each run is four small integers) compressed here with a pooled compressor,
// and the page only places the form. gofpdf has no call for a form of one's
// own, but it takes finished objects and names for them through the calls
// it offers for gofpdi (imported pages): ImportObjects and ImportTemplates.
func drawQR(f *gofpdf.Fpdf, bm [][]bool, x, y, size float64) {
	n := len(bm)
	if n == 0 {
		return
	}
	m := size / float64(n) // mm a module
	// Rows overlap the row above by a hair so anti-aliasing leaves no seams.
	const seam = 0.02 // mm
	height := strconv.AppendFloat([]byte{' '}, 1+seam/m, 'f', 3, 64)
	height = append(height, " re\n"...)
	b := make([]byte, 0, 16<<10)
	b = append(b, "0 g\n"...)
	for r, row := range bm {
		fy := int64(n - 1 - r) // form y runs up, rows run down
		for c := 0; c < n; {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < n && row[c] {
				c++
			}
			b = strconv.AppendInt(b, int64(start), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, fy, 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(c-start), 10)
			b = append(b, height...)
		}
	}
	b = append(b, "f\n"...)
	z := compress(b)

	obj := fmt.Appendf(make([]byte, 0, len(z)+160),
		"<</Type /XObject /Subtype /Form /BBox [0 0 %d %d] /Length %d /Filter /FlateDecode>>\nstream\n", n, n+1, len(z))
	obj = append(obj, z...)
	obj = append(obj, "\nendstream\nendobj"...)
	const key, name = "qrcode", "/QR"
	f.ImportObjects(map[string][]byte{key: obj})
	f.ImportTemplates(map[string]string{name: key})
	// Scales the form's modules to mm and puts its bottom left corner at
	// x, y+size; gofpdf adds the page height to the y it is given.
	f.UseImportedTemplate(name, m, m, x, -(y + size))
}

// zlibWriters keeps compressors: a new one allocates and clears over 600 KB.
// BestSpeed: the default level made a render twice the instructions (by
// callgrind) for a PDF 10 % smaller.
var zlibWriters = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

// compress returns b zlib-compressed, as a PDF's FlateDecode filter reads it.
func compress(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlibWriters.Get().(*zlib.Writer)
	zw.Reset(&buf)
	_, _ = zw.Write(b) // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	zlibWriters.Put(zw)
	return buf.Bytes()
}
