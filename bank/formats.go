package bank

import (
	"io"
	"strings"

	"github.com/mopscert/mopscert/apperr"
)

// The one place that maps a format name to its reader and writer; the web
// handlers and the CLI both go through it, so they accept the same names and
// refuse the same way.

// ErrUnknownFormat is a format name no parser knows.
var ErrUnknownFormat = apperr.New(apperr.BadRequest, "unknown_format", "Use format yaml, gift or aiken.")

// ErrUnknownExportFormat is a format name no writer knows.
var ErrUnknownExportFormat = apperr.New(apperr.BadRequest, "unknown_format", "Export writes format yaml or gift.")

// Formats lists the formats Parse reads.
var Formats = []string{"yaml", "gift", "aiken"}

// Parse reads a bank file in the named format (yaml, yml, gift or aiken).
// Skipped is what a GIFT import left out under SkipUnsupported.
func Parse(format string, data []byte, opt ParseOptions) ([]Parsed, []Skipped, error) {
	switch strings.ToLower(format) {
	case "yaml", "yml":
		p, err := ParseYAML(data, opt)
		return p, nil, err
	case "gift":
		return ParseGIFT(data, opt)
	case "aiken":
		p, err := ParseAiken(data, opt)
		return p, nil, err
	}
	return nil, nil, ErrUnknownFormat
}

// Write writes items in the named format (yaml, yml or gift); Aiken cannot
// hold what an item carries, so it is import only.
func Write(format string, w io.Writer, items []Item) error {
	switch strings.ToLower(format) {
	case "yaml", "yml":
		return WriteYAML(w, items)
	case "gift":
		return WriteGIFT(w, items)
	}
	return ErrUnknownExportFormat
}
