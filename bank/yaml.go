package bank

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// The native bank format is YAML: a mapping with one key, items, holding a
// list of items with the fields of Item (their yaml tags) except version,
// which the server sets; created_at and updated_at are optional. The file
// is read as a yaml.Node tree rather than decoded into structs so that every
// error names its line, unknown and repeated keys included.

// yamlItemFields are the keys an item may have, in the order WriteYAML
// writes them.
var yamlItemFields = []string{"id", "status", "domain", "tiers", "topic", "competency", "group", "type",
	"stem", "exhibit", "numeric", "options", "rationale", "source", "translations", "author", "created_at", "updated_at"}

// ParseYAML reads a bank file in the native format. Of the options only
// MaxItems applies: the file carries every other field itself.
func ParseYAML(data []byte, opt ParseOptions) ([]Parsed, error) {
	if err := checkOptions(opt); err != nil {
		return nil, err
	}
	text, err := cleanText(data)
	if err != nil {
		return nil, err
	}
	// One kind of line end, so yaml.v3 counts lines as the rest of us do
	// and CRLF files give the same strings as LF ones.
	text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
	text = bytes.ReplaceAll(text, []byte("\r"), []byte("\n"))

	var errs lineErrors
	list := yamlItemList(text, &errs)
	var ds []*draft
	for _, n := range list {
		if d := yamlItem(n, &errs); d != nil {
			ds = append(ds, d)
		}
	}
	return finishFile(ds, 0, opt, &errs)
}

// yamlItemList parses the file and returns the nodes of its items.
func yamlItemList(text []byte, errs *lineErrors) []*yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if !errors.Is(err, io.EOF) {
			yamlSyntax(text, err, errs)
		}
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		line := next.Line
		if len(next.Content) > 0 {
			line = next.Content[0].Line
		}
		errs.addMsg(line, codeYAMLSecondDoc.Msg("a second YAML document starts here (after ---); put every item under the one items: list"))
		return nil
	case !errors.Is(err, io.EOF):
		yamlSyntax(text, err, errs)
		return nil
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := yamlResolve(doc.Content[0])
	if yamlNull(root) {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		errs.add(root.Line, "the file is a mapping with one field, items:, holding the list of items; found %s", yamlKind(root))
		return nil
	}
	var items *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Value != "items" {
			errs.addMsg(k.Line, codeYAMLTopField.Msg("unknown field %q at the top of the file; the file has one field, items:, holding the list of items", k.Value))
			continue
		}
		if items != nil {
			errs.addMsg(k.Line, codeYAMLItemsTwice.Msg("items is given twice (first on line %d)", items.Line))
			continue
		}
		items = yamlResolve(root.Content[i+1])
	}
	switch {
	case items == nil:
		if errs.len() == 0 {
			errs.addMsg(root.Line, codeYAMLNoItems.Msg("the file has no items: list"))
		}
		return nil
	case yamlNull(items):
		return nil
	case items.Kind != yaml.SequenceNode:
		errs.add(items.Line, "items: expected a list of items, found %s", yamlKind(items))
		return nil
	}
	return items.Content
}

var yamlErrLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlSyntax reports a syntax error. yaml.v3 names the line where the
// enclosing block starts, which can be far above the mistake, so the line
// is looked for: the shortest start of the file that fails the same way.
func yamlSyntax(text []byte, err error, errs *lineErrors) {
	line, msg := yamlErrParts(err)
	lines := bytes.SplitAfter(text, []byte("\n"))
	fails := func(k int) bool {
		var n yaml.Node
		e := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
		if e == nil {
			return false
		}
		l, m := yamlErrParts(e)
		return l == line && m == msg
	}
	lo, hi := 1, len(lines)
	for lo < hi {
		if mid := (lo + hi) / 2; fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if fails(lo) {
		line = lo
	}
	errs.add(line, "YAML syntax: %s", msg)
}

func yamlErrParts(err error) (int, string) {
	s := err.Error()
	if m := yamlErrLineRe.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, m[2]
	}
	return 0, strings.TrimPrefix(s, "yaml: ")
}

// yamlItem reads one item; nil when it is not a mapping at all.
func yamlItem(n *yaml.Node, errs *lineErrors) *draft {
	n = yamlResolve(n)
	if n.Kind != yaml.MappingNode {
		errs.add(n.Line, "each item is a mapping of fields (id:, stem:, options: …); found %s", yamlKind(n))
		return nil
	}
	d := newDraft(n.Line)
	it := &d.item
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := yamlResolve(n.Content[i]), yamlResolve(n.Content[i+1])
		key := k.Value
		if first, dup := seen[key]; dup {
			errs.addMsg(k.Line, codeYAMLFieldTwice.Msg("%s is given twice in this item (first on line %d)", key, first))
			continue
		}
		seen[key] = k.Line
		d.lines[key] = k.Line
		switch key {
		case "id":
			it.ID = yamlString(v, key, d, errs)
			d.explicit = true
		case "status":
			it.Status = Status(yamlString(v, key, d, errs))
		case "domain":
			it.Domain = Domain(yamlString(v, key, d, errs))
		case "tiers":
			it.Tiers = yamlTiers(v, d, errs)
		case "topic":
			it.Topic = yamlString(v, key, d, errs)
		case "type":
			it.Type = Type(yamlString(v, key, d, errs))
		case "stem":
			it.Stem = yamlString(v, key, d, errs)
		case "competency":
			it.Competency = yamlString(v, key, d, errs)
		case "group":
			it.Group = yamlString(v, key, d, errs)
		case "exhibit":
			it.Exhibit = yamlString(v, key, d, errs)
		case "numeric":
			it.Numeric = yamlNumeric(v, d, errs)
		case "options":
			it.Options = yamlOptions(v, d, errs)
		case "rationale":
			it.Rationale = yamlString(v, key, d, errs)
		case "source":
			it.Source = yamlString(v, key, d, errs)
		case "translations":
			it.Translations = yamlTranslations(v, d, errs)
		case "author":
			it.Author = yamlString(v, key, d, errs)
		case "created_at":
			it.CreatedAt = yamlTime(v, key, d, errs)
		case "updated_at":
			it.UpdatedAt = yamlTime(v, key, d, errs)
		case "version":
			errs.addMsg(k.Line, codeYAMLVersion.Msg("version is set by the server; leave it out of the file"))
		default:
			errs.addMsg(k.Line, codeYAMLItemField.Msg("unknown field %q; an item's fields are %s", key, strings.Join(yamlItemFields, ", ")))
		}
	}
	return d
}

func yamlString(v *yaml.Node, field string, d *draft, errs *lineErrors) string {
	if yamlNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		errs.add(v.Line, "%s: expected text, found %s", field, yamlKind(v))
		d.bad[field] = true
		return ""
	}
	return v.Value
}

func yamlTiers(v *yaml.Node, d *draft, errs *lineErrors) []string {
	if yamlNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		errs.add(v.Line, "tiers: expected a list of tier codes such as [foundation, practitioner], found %s", yamlKind(v))
		d.bad["tiers"] = true
		return nil
	}
	tiers := make([]string, 0, len(v.Content))
	for i, e := range v.Content {
		e = yamlResolve(e)
		key := fmt.Sprintf("tiers[%d]", i)
		d.lines[key] = e.Line
		tiers = append(tiers, yamlString(e, key, d, errs))
	}
	return tiers
}

func yamlOptions(v *yaml.Node, d *draft, errs *lineErrors) []Option {
	return yamlList(v, "options", "options (text:, correct:, feedback:)", "an option with text:, correct: and feedback:", d, errs,
		func(prefix string, e *yaml.Node) Option {
			var o Option
			yamlFields(e, prefix, d, errs, func(key string, k, f *yaml.Node) {
				switch k.Value {
				case "text":
					o.Text = yamlString(f, key, d, errs)
				case "feedback":
					o.Feedback = yamlString(f, key, d, errs)
				case "match":
					o.Match = yamlString(f, key, d, errs)
				case "correct":
					if yamlNull(f) {
						break
					}
					if f.Kind != yaml.ScalarNode || f.Tag != "!!bool" || f.Decode(&o.Correct) != nil {
						errs.add(f.Line, "%s: expected true or false, found %s", key, yamlKind(f))
						d.bad[prefix] = true
					}
				default:
					errs.add(k.Line, "unknown field %q in an option; an option's fields are text, correct, feedback and match", k.Value)
				}
			})
			return o
		})
}

// yamlList reads a list of mappings at prefix (an item's options, or a
// translation's): each element's line is recorded as prefix[i], and an
// element that is not a mapping is reported and kept as a zero value, so
// positions still line up with the item's options.
func yamlList[T any](v *yaml.Node, prefix, list, elem string, d *draft, errs *lineErrors, read func(p string, e *yaml.Node) T) []T {
	if yamlNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		errs.add(v.Line, "%s: expected a list of %s, found %s", prefix, list, yamlKind(v))
		d.bad[prefix] = true
		return nil
	}
	out := make([]T, 0, len(v.Content))
	for i, e := range v.Content {
		e = yamlResolve(e)
		p := fmt.Sprintf("%s[%d]", prefix, i)
		d.lines[p] = e.Line
		if e.Kind != yaml.MappingNode {
			errs.add(e.Line, "%s: expected %s, found %s", p, elem, yamlKind(e))
			d.bad[p] = true
			var zero T
			out = append(out, zero)
			continue
		}
		out = append(out, read(p, e))
	}
	return out
}

// yamlNumeric reads a numeric key: {value: 12.5, tolerance: 0.1, unit: "%"}.
// value is required; tolerance defaults to 0 (exactly the value).
func yamlNumeric(v *yaml.Node, d *draft, errs *lineErrors) *NumericKey {
	if yamlNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		errs.add(v.Line, "numeric: expected {value: 12.5, tolerance: 0.1, unit: \"%%\"}, found %s", yamlKind(v))
		d.bad["numeric"] = true
		return nil
	}
	k := &NumericKey{}
	hasValue := false
	yamlFields(v, "numeric", d, errs, func(key string, kn, f *yaml.Node) {
		switch kn.Value {
		case "value", "tolerance":
			var x float64
			if f.Kind != yaml.ScalarNode || (f.Tag != "!!int" && f.Tag != "!!float") || f.Decode(&x) != nil {
				errs.add(f.Line, "%s: expected a number such as 12.5, found %s", key, yamlKind(f))
				d.bad["numeric"] = true
				return
			}
			if kn.Value == "value" {
				k.Value, hasValue = x, true
			} else {
				k.Tolerance = x
			}
		case "unit":
			k.Unit = yamlString(f, key, d, errs)
		default:
			errs.add(kn.Line, "unknown field %q in numeric; its fields are value, tolerance and unit", kn.Value)
		}
	})
	if !hasValue && !d.bad["numeric"] {
		errs.addMsg(v.Line, codeYAMLNumericValue.Msg("numeric: the value is missing"))
		d.bad["numeric"] = true
	}
	return k
}

// yamlFields walks the fields of a nested mapping (an option, a numeric
// key, a translation) the same way everywhere: aliases resolved, each
// field's line kept under prefix.name, a field given twice reported once
// and skipped. field gets the full key, the key node and the value node.
func yamlFields(m *yaml.Node, prefix string, d *draft, errs *lineErrors, field func(key string, k, v *yaml.Node)) {
	seen := map[string]int{}
	for j := 0; j+1 < len(m.Content); j += 2 {
		k, v := yamlResolve(m.Content[j]), yamlResolve(m.Content[j+1])
		key := prefix + "." + k.Value
		if first, dup := seen[k.Value]; dup {
			errs.add(k.Line, "%s is given twice (first on line %d)", key, first)
			continue
		}
		seen[k.Value] = k.Line
		d.lines[key] = k.Line
		field(key, k, v)
	}
}

func yamlTime(v *yaml.Node, field string, d *draft, errs *lineErrors) time.Time {
	if yamlNull(v) {
		return time.Time{}
	}
	var t time.Time
	if v.Kind == yaml.ScalarNode {
		if v.Decode(&t) == nil {
			return t.UTC()
		}
		if t, err := time.Parse(time.RFC3339Nano, v.Value); err == nil {
			return t.UTC()
		}
	}
	errs.add(v.Line, "%s: expected a time such as 2025-01-31T09:30:00Z, found %s", field, yamlKind(v))
	d.bad[field] = true
	return time.Time{}
}

// yamlResolve follows an alias to the node it names.
func yamlResolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func yamlNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// yamlKind names what a node holds, for messages.
func yamlKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if len(n.Value) > 40 {
			return strconv.Quote(n.Value[:37] + "...")
		}
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

// WriteYAML writes items in the native format. Reading the file back gives
// the same items, but for their version numbers.
func WriteYAML(w io.Writer, items []Item) error {
	if items == nil {
		items = []Item{}
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(struct {
		Items []Item `yaml:"items"`
	}{items}); err != nil {
		return err
	}
	return enc.Close()
}
