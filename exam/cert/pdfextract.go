package cert

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"io"
	"unicode/utf16"
)

// Finding the token in an uploaded PDF. RenderPDF writes it as a plain
// literal string in the document information dictionary (/Keywords), which
// pass 1 finds by scanning the raw bytes. A viewer or printer driver that
// re-saves the file may instead write it as UTF-16, as a hex string, or
// inside a compressed object stream; passes 2 and 3 cover those. No full PDF
// parser is needed, and none is exposed to hostile input: the scan is linear,
// and inflation is capped.
const (
	maxPDFSize      = 8 << 20 // our certificates are about 30 KB
	maxInflated     = 8 << 20 // total decompressed bytes examined per upload
	maxTokenCands   = 8
	pdfHeaderWindow = 1024 // readers accept junk before %PDF- up to this offset
)

func isPDF(b []byte) bool {
	return bytes.Contains(b[:min(len(b), pdfHeaderWindow)], []byte("%PDF-"))
}

// pdfTokens returns the distinct token-like strings in a PDF, in the order
// found, at most maxTokenCands.
func pdfTokens(pdf []byte) []string {
	var f tokenFinder
	f.scan(pdf)
	if len(f.found) == 0 {
		f.scan(bytes.ReplaceAll(pdf, []byte{0}, nil)) // UTF-16BE literal strings
		f.scanHexStrings(pdf)
	}
	if len(f.found) == 0 {
		f.scanStreams(pdf)
	}
	return f.found
}

type tokenFinder struct {
	found []string
	seen  map[string]bool
}

func (f *tokenFinder) add(t string) {
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if !f.seen[t] && len(f.found) < maxTokenCands {
		f.seen[t] = true
		f.found = append(f.found, t)
	}
}

func isB64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// scan finds compact JWS strings: every JSON header starts {" and so every
// token starts eyJ. A PDF literal string may be broken across lines with a
// backslash before the newline; that is skipped.
func (f *tokenFinder) scan(b []byte) {
	for i := 0; i < len(b) && len(f.found) < maxTokenCands; {
		j := bytes.Index(b[i:], []byte("eyJ"))
		if j < 0 {
			return
		}
		i += j
		var tok []byte
		dots := 0
		k := i
		for k < len(b) && len(tok) <= maxTokenLen {
			c := b[k]
			switch {
			case isB64URL(c):
				tok = append(tok, c)
				k++
			case c == '.':
				dots++
				tok = append(tok, c)
				k++
			case c == '\\' && k+1 < len(b) && b[k+1] == '\n':
				k += 2
			case c == '\\' && k+2 < len(b) && b[k+1] == '\r' && b[k+2] == '\n':
				k += 3
			case c == '\\' && k+1 < len(b) && b[k+1] == '\r':
				k += 2
			default:
				goto done
			}
		}
	done:
		if dots == 2 && len(tok) <= maxTokenLen && !bytes.HasSuffix(tok, []byte(".")) && !bytes.Contains(tok, []byte("..")) {
			f.add(string(tok))
		}
		if k == i {
			k++
		}
		i = k
	}
}

// scanHexStrings decodes <…> hex strings (UTF-16BE with a byte order mark, or
// bytes) and scans them.
//
// It is linear in len(b): a hex string holds only hex digits and white space,
// so the forward run from a '<' stops at the first other byte, and the next
// search resumes there. No byte is looked at twice, however many '<' a crafted
// upload holds without a '>' after them.
func (f *tokenFinder) scanHexStrings(b []byte) {
	const window = 4*maxTokenLen + 64
	for i := 0; i < len(b) && len(f.found) < maxTokenCands; {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			return
		}
		i += lt
		if i+1 < len(b) && b[i+1] == '<' { // a dictionary's "<<", not a string
			i += 2
			continue
		}
		k := i + 1
		for k < len(b) && k-i <= window && isHexOrSpace(b[k]) {
			k++
		}
		if k < len(b) && b[k] == '>' && k-i <= window {
			f.scanHexString(b[i+1 : k])
			k++
		}
		i = k
	}
}

func isHexOrSpace(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		return true
	case c == ' ', c == '\n', c == '\r', c == '\t':
		return true
	}
	return false
}

// scanHexString decodes the body of one <…> string and scans it.
func (f *tokenFinder) scanHexString(body []byte) {
	raw := make([]byte, 0, len(body)+1)
	for _, c := range body {
		if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			raw = append(raw, c)
		}
	}
	if len(raw)%2 == 1 {
		raw = append(raw, '0')
	}
	dec := make([]byte, hex.DecodedLen(len(raw)))
	if _, err := hex.Decode(dec, raw); err != nil {
		return
	}
	if len(dec) >= 2 && dec[0] == 0xFE && dec[1] == 0xFF {
		u := make([]uint16, 0, len(dec)/2)
		for k := 2; k+1 < len(dec); k += 2 {
			u = append(u, uint16(dec[k])<<8|uint16(dec[k+1]))
		}
		dec = []byte(string(utf16.Decode(u)))
	}
	f.scan(dec)
}

// scanStreams inflates FlateDecode streams (object streams, XMP) and scans
// them, within a total budget so a small upload cannot expand without bound.
func (f *tokenFinder) scanStreams(b []byte) {
	budget := int64(maxInflated)
	for i := 0; i < len(b) && budget > 0 && len(f.found) < maxTokenCands; {
		j := bytes.Index(b[i:], []byte("stream"))
		if j < 0 {
			return
		}
		start := i + j + len("stream")
		i = start
		if bytes.HasSuffix(b[:start-len("stream")], []byte("end")) {
			continue // "endstream"
		}
		// The stream data starts after an end of line.
		if start < len(b) && b[start] == '\r' {
			start++
		}
		if start < len(b) && b[start] == '\n' {
			start++
		}
		end := bytes.Index(b[start:], []byte("endstream"))
		if end < 0 {
			return
		}
		data := b[start : start+end]
		i = start + end + len("endstream")
		zr, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			continue
		}
		out, _ := io.ReadAll(io.LimitReader(zr, budget))
		_ = zr.Close()
		budget -= int64(len(out))
		f.scan(out)
		if len(f.found) == 0 {
			f.scan(bytes.ReplaceAll(out, []byte{0}, nil))
		}
	}
}
