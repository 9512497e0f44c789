package bank

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// WriteGIFT writes items as a GIFT file that Moodle imports and that
// ParseGIFT reads back into the same items, but for the times and version:
//
//	$CATEGORY: tools/data hygiene
//
//	// @tiers: foundation, practitioner
//	// @status: active
//	// @source: https://…
//	::item-id::[markdown]Which …?{
//		=right answer#why it is right
//		~wrong answer#why it is wrong
//		####rationale
//	}
//
// Domain and topic go into $CATEGORY lines, written when they change; the
// id is the question name; the rationale is the general feedback; tiers,
// status, source and author, which GIFT has no place for, go into comments
// that Moodle ignores. Texts are Markdown, marked [markdown], with every
// GIFT control character escaped and line breaks written \n, so each
// question's text stays on one line. A true/false item is written as
// Moodle does, {TRUE#feedback for a wrong answer#feedback for a right one},
// so it comes back with its options in the order True, False.
func WriteGIFT(w io.Writer, items []Item) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "// Question bank exported from mopscert: %d items, texts in Markdown.\n", len(items))
	fmt.Fprintf(bw, "// Comments starting with // @ hold what GIFT has no place for; Moodle ignores them.\n\n")
	var domain Domain
	topic := "\x00" // no category written yet
	for i := range items {
		it := &items[i]
		if reason := GIFTUnsupported(it); reason != "" {
			// Said in the file too, so whoever opens it knows what is missing.
			fmt.Fprintf(bw, "// @skipped %s: %s\n\n", it.ID, reason)
			continue
		}
		if it.Domain != domain || it.Topic != topic {
			domain, topic = it.Domain, it.Topic
			fmt.Fprintf(bw, "$CATEGORY: %s\n\n", giftCategoryPath(domain, topic))
		}
		writeGIFTItem(bw, it)
	}
	return bw.Flush()
}

func giftCategoryPath(d Domain, topic string) string {
	topic = strings.Join(strings.Fields(topic), " ")
	if topic == "" {
		return string(d)
	}
	return string(d) + "/" + strings.ReplaceAll(topic, "/", "//")
}

func writeGIFTItem(w *bufio.Writer, it *Item) {
	// Always written, even empty, so that the importer's default tiers do
	// not fill in an item that has none on purpose.
	fmt.Fprintf(w, "// @tiers:%s\n", strings.TrimRight(" "+strings.Join(it.Tiers, ", "), " "))
	if it.Status != "" {
		fmt.Fprintf(w, "// @status: %s\n", it.Status)
	}
	if it.Source != "" {
		fmt.Fprintf(w, "// @source: %s\n", escapeMeta(it.Source))
	}
	if it.Author != "" {
		fmt.Fprintf(w, "// @author: %s\n", escapeMeta(it.Author))
	}
	if it.Competency != "" {
		fmt.Fprintf(w, "// @competency: %s\n", escapeMeta(it.Competency))
	}
	if it.Group != "" {
		fmt.Fprintf(w, "// @group: %s\n", escapeMeta(it.Group))
	}
	stem := it.Stem
	if it.Exhibit != "" {
		// GIFT has no exhibit: it becomes the end of the stem, which
		// Moodle shows the same way; a re-import keeps it there.
		fmt.Fprintf(w, "// @exhibit: written as the end of the stem\n")
		stem += "\n\n" + it.Exhibit
	}
	if it.Numeric != nil && it.Numeric.Unit != "" {
		fmt.Fprintf(w, "// @unit: %s\n", escapeMeta(it.Numeric.Unit))
	}
	fmt.Fprintf(w, "::%s::[markdown]%s{", giftEscape(it.ID), giftEscape(stem))
	switch {
	case it.Type == TrueFalse && len(it.Options) == 2:
		writeGIFTTrueFalse(w, it)
		return
	case it.Type == Numeric && it.Numeric != nil:
		fmt.Fprintf(w, "#=%s:%s", giftFloat(it.Numeric.Value), giftFloat(it.Numeric.Tolerance))
		if it.Rationale != "" {
			w.WriteString("####" + giftMarked(it.Rationale))
		}
		w.WriteString("}\n\n")
		return
	case it.Type == Matching:
		w.WriteString("\n")
		for _, o := range it.Options {
			w.WriteString("\t=" + giftMarked(o.Text) + " -> " + giftMarked(o.Match) + "\n")
		}
		if it.Rationale != "" {
			w.WriteString("\t####" + giftMarked(it.Rationale) + "\n")
		}
		w.WriteString("}\n\n")
		return
	}
	w.WriteString("\n")
	ncorrect := max(len(it.Correct()), 1)
	for _, o := range it.Options {
		switch {
		case it.Type == Single && o.Correct:
			w.WriteString("\t=")
		case it.Type == Single:
			w.WriteString("\t~")
		case o.Correct:
			fmt.Fprintf(w, "\t~%%%s%%", giftPercent(100/float64(ncorrect)))
		default:
			w.WriteString("\t~%-100%")
		}
		w.WriteString(giftMarked(o.Text))
		if o.Feedback != "" {
			w.WriteString("#" + giftMarked(o.Feedback))
		}
		w.WriteString("\n")
	}
	if it.Rationale != "" {
		w.WriteString("\t####" + giftMarked(it.Rationale) + "\n")
	}
	w.WriteString("}\n\n")
}

func writeGIFTTrueFalse(w *bufio.Writer, it *Item) {
	var right, wrong Option
	answer := "FALSE"
	for _, o := range it.Options {
		if o.Correct {
			right = o
			if strings.EqualFold(o.Text, "true") {
				answer = "TRUE"
			}
		} else {
			wrong = o
		}
	}
	w.WriteString(answer)
	if wrong.Feedback != "" || right.Feedback != "" {
		w.WriteString("#" + giftMarked(wrong.Feedback))
	}
	if right.Feedback != "" {
		w.WriteString("#" + giftMarked(right.Feedback))
	}
	if it.Rationale != "" {
		w.WriteString("####" + giftMarked(it.Rationale))
	}
	w.WriteString("}\n\n")
}

// GIFTUnsupported says why WriteGIFT leaves an item out, or "" when it
// writes it: ordering has no GIFT form, and a matching prompt holding "->"
// or an option's feedback would not come back as written.
func GIFTUnsupported(it *Item) string {
	switch it.Type {
	case Ordering:
		return "ordering items have no GIFT form; export the bank as YAML to keep them"
	case Matching:
		for _, o := range it.Options {
			if strings.Contains(o.Text, "->") || strings.Contains(o.Match, "->") {
				return "a matching prompt or answer holds \"->\", which GIFT reads as the pairing arrow"
			}
			if o.Feedback != "" {
				return "GIFT matching questions have no feedback per pair; export the bank as YAML to keep it"
			}
		}
	}
	return ""
}

// giftFloat writes a number the shortest way that reads back the same.
func giftFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// giftPercent writes a weight as Moodle does: 33.33333, 50, 100.
func giftPercent(p float64) string {
	return strconv.FormatFloat(math.Round(p*1e5)/1e5, 'f', -1, 64)
}

var giftEscaper = strings.NewReplacer(`\`, `\\`, "~", `\~`, "=", `\=`, "#", `\#`, "{", `\{`, "}", `\}`,
	":", `\:`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// giftEscape escapes GIFT's control characters and line breaks.
func giftEscape(s string) string { return giftEscaper.Replace(s) }

// giftMarked escapes an answer or feedback text, marking it [markdown]
// when it starts with something a reader would take for a format marker
// or a weight.
func giftMarked(s string) string {
	if strings.HasPrefix(s, "[") || strings.HasPrefix(s, "%") {
		return "[markdown]" + giftEscape(s)
	}
	return giftEscape(s)
}

func escapeMeta(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}
