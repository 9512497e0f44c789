package bank

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/mopscert/mopscert/apperr"
)

// junk is about size bytes of lines built from unit (with a line number so
// no two lines are alike).
func junk(size int, unit string) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, unit, i)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// junkFiles are near-limit files of junk an administrator might upload by
// mistake, one per format and shape.
var junkFiles = []struct {
	name, format, unit string
}{
	{"YAMLText", "yaml", "lorem ipsum %d dolor sit amet"},
	{"YAMLKeys", "yaml", "key%d: value: other"},
	{"YAMLItemsJunk", "yaml", "  - stem: [unclosed %d"},
	{"GIFT", "gift", "::q%d:: Broken? {=yes ~no"},
	{"GIFTManyBlocks", "gift", "::q%d:: Broken? {=yes ~no\n"},
	{"Aiken", "aiken", "A) option %d with no question"},
}

func junkData(name, unit string, size int) []byte {
	data := junk(size, unit)
	if name == "YAMLItemsJunk" {
		data = append([]byte("items:\n"), data...)
	}
	return data
}

// BenchmarkParseJunk32MB parses 32 MB of junk per format: each must be
// refused with at most MaxReportedErrors lines, in bounded memory (see
// B/op) and time.
func BenchmarkParseJunk32MB(b *testing.B) {
	for _, f := range junkFiles {
		data := junkData(f.name, f.unit, 32<<20)
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				_, _, err := Parse(f.format, data, ParseOptions{SkipUnsupported: true, MaxItems: 20000})
				ae, ok := apperr.As(err)
				if !ok || len(ae.Lines) == 0 || len(ae.Lines) > MaxReportedErrors {
					b.Fatalf("err = %v", err)
				}
			}
		})
	}
}

// Junk files are refused with the first MaxReportedErrors errors and a count
// of the rest, in every format.
func TestJunkErrorsCapped(t *testing.T) {
	for _, f := range junkFiles {
		t.Run(f.name, func(t *testing.T) {
			data := junkData(f.name, f.unit, 256<<10)
			_, _, err := Parse(f.format, data, ParseOptions{SkipUnsupported: true})
			ae, ok := apperr.As(err)
			if !ok || ae.Code != "import_failed" {
				t.Fatalf("err = %v, want import_failed", err)
			}
			if len(ae.Lines) == 0 || len(ae.Lines) > MaxReportedErrors {
				t.Fatalf("%d lines reported, want 1 to %d", len(ae.Lines), MaxReportedErrors)
			}
			if len(ae.Lines) == MaxReportedErrors {
				if more, _ := ae.Extra["more_lines"].(int); more <= 0 {
					t.Errorf("%d lines and more_lines = %v; want a count of the rest", len(ae.Lines), ae.Extra["more_lines"])
				}
			}
		})
	}
}
