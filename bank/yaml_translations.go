package bank

import (
	"gopkg.in/yaml.v3"
)

// yamlTranslations reads an item's translations: {de: {stem:, exhibit:,
// options: [{text:, feedback:, match:}], rationale:, unit:}}.
func yamlTranslations(v *yaml.Node, d *draft, errs *lineErrors) map[string]Variant {
	if yamlNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		errs.add(v.Line, "translations: expected a mapping of language to text such as de: {stem: …}, found %s", yamlKind(v))
		d.bad["translations"] = true
		return nil
	}
	out := map[string]Variant{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, e := yamlResolve(v.Content[i]), yamlResolve(v.Content[i+1])
		prefix := "translations." + k.Value
		d.lines[prefix] = k.Line
		if _, dup := out[k.Value]; dup {
			errs.add(k.Line, "%s is given twice", prefix)
			continue
		}
		out[k.Value] = yamlVariant(e, prefix, d, errs)
	}
	return out
}

// yamlVariant reads one variant; the translation files of the shipped bank
// use the same fields, so loadVariant shares it.
func yamlVariant(e *yaml.Node, prefix string, d *draft, errs *lineErrors) Variant {
	var vr Variant
	if e.Kind != yaml.MappingNode {
		errs.add(e.Line, "%s: expected stem:, exhibit:, options:, rationale: and unit:, found %s", prefix, yamlKind(e))
		d.bad[prefix] = true
		return vr
	}
	yamlFields(e, prefix, d, errs, func(key string, k, f *yaml.Node) {
		switch k.Value {
		case "stem":
			vr.Stem = yamlString(f, key, d, errs)
		case "exhibit":
			vr.Exhibit = yamlString(f, key, d, errs)
		case "rationale":
			vr.Rationale = yamlString(f, key, d, errs)
		case "unit":
			vr.Unit = yamlString(f, key, d, errs)
		case "options":
			vr.Options = yamlVariantOptions(f, key, d, errs)
		default:
			errs.add(k.Line, "unknown field %q in a translation; its fields are stem, exhibit, options, rationale and unit", k.Value)
		}
	})
	return vr
}

func yamlVariantOptions(v *yaml.Node, prefix string, d *draft, errs *lineErrors) []VariantOption {
	return yamlList(v, prefix, "options (text:, feedback:, match:)", "an option with text:, feedback: and match:", d, errs,
		func(p string, e *yaml.Node) VariantOption {
			var o VariantOption
			yamlFields(e, p, d, errs, func(key string, k, f *yaml.Node) {
				switch k.Value {
				case "text":
					o.Text = yamlString(f, key, d, errs)
				case "feedback":
					o.Feedback = yamlString(f, key, d, errs)
				case "match":
					o.Match = yamlString(f, key, d, errs)
				case "correct":
					// The key stays with the English item; say so rather than
					// ignoring a translator's correct: true silently.
					errs.add(k.Line, "%s: which options are correct is set on the item, not in its translation", key)
				default:
					errs.add(k.Line, "unknown field %q in a translated option; its fields are text, feedback and match", k.Value)
				}
			})
			return o
		})
}
