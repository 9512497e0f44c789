package bank

import (
	"fmt"
	"strconv"
	"strings"
)

// GIFT's numerical and matching questions, read into numeric and matching
// items.

// numerical reads {#12.5:0.1}, {#=12.5:0.1}, {#12.5}, {#1..5} (a range,
// read as its midpoint ± half its width) and the same with #feedback after
// the answer. It returns why the question cannot be imported, or "".
// Several answers with partial weights ({#=12.5:0.1 =%50%12:1}) have no
// counterpart: a numeric item has one key.
func (p *giftParser) numerical(d *draft, answer gspan, format string) string {
	body := answer.sub(1, answer.len()).trim() // after the leading #
	parts := splitChoices(body)
	if len(parts) != 1 {
		return "numerical questions with more than one answer are not supported (a numeric item has one key and a tolerance)"
	}
	a := parts[0].trim()
	if a.len() > 0 && a.r[0] == '=' && !a.esc[0] {
		a = a.sub(1, a.len()).trim()
	}
	if w, n, ok := giftWeight(a); ok {
		if v, err := strconv.ParseFloat(w, 64); err != nil || v != 100 {
			return "numerical answers with partial credit are not supported"
		}
		a = a.sub(n, a.len()).trim()
	}
	text := a
	if k := a.index("#"); k >= 0 {
		text = a.sub(0, k).trim()
		if _, fb := giftText(a.sub(k+1, a.len()).trim(), format); fb != "" && d.item.Rationale == "" {
			d.item.Rationale = fb // the answer's feedback is what explains the key
		}
	}
	key, err := giftNumber(text.String())
	if err != nil {
		p.errs.add(answer.line(), "numeric answer %q: %v", text.String(), err)
		d.bad["numeric"] = true
	}
	key.Unit = d.unit
	d.item.Type = Numeric
	d.item.Numeric = &key
	d.item.Options = []Option{}
	d.lines["numeric"] = answer.line()
	return ""
}

// giftNumber reads "12.5:0.1", "12.5" or "1..5".
func giftNumber(s string) (NumericKey, error) {
	s = strings.TrimSpace(s)
	if lo, hi, ok := strings.Cut(s, ".."); ok {
		a, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if err1 != nil || err2 != nil || b < a {
			return NumericKey{}, fmt.Errorf("expected a range such as 1..5")
		}
		// 3.141..3.142 is 3.1415 ± 0.0005, not 3.1414999999999997.
		return NumericKey{Value: round12((a + b) / 2), Tolerance: round12((b - a) / 2)}, nil
	}
	v, t, _ := strings.Cut(s, ":")
	val, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return NumericKey{}, fmt.Errorf("expected a number such as 12.5 or 12.5:0.1")
	}
	k := NumericKey{Value: val}
	if strings.TrimSpace(t) != "" {
		if k.Tolerance, err = strconv.ParseFloat(strings.TrimSpace(t), 64); err != nil {
			return NumericKey{}, fmt.Errorf("expected a tolerance after the colon, such as 12.5:0.1")
		}
	}
	return k, nil
}

// matching reads {=prompt -> answer =prompt -> answer …}. Moodle's extra
// answers with no prompt (=-> distractor) have no counterpart here.
func (p *giftParser) matching(d *draft, answer gspan, format string) string {
	d.item.Type = Matching
	for i, a := range splitChoices(answer) {
		a = a.trim()
		if a.len() > 0 && a.r[0] == '=' && !a.esc[0] {
			a = a.sub(1, a.len())
		}
		k := a.index("->")
		if k < 0 {
			return "matching pairs are written =prompt -> answer; one here has no ->"
		}
		key := fmt.Sprintf("options[%d]", i)
		d.lines[key] = a.line()
		var o Option
		_, o.Text = giftText(a.sub(0, k).trim(), format)
		_, o.Match = giftText(a.sub(k+2, a.len()).trim(), format)
		if o.Text == "" {
			return "matching questions with extra answers (=-> answer) are not supported"
		}
		d.item.Options = append(d.item.Options, o)
	}
	return ""
}

// round12 drops the binary noise of an addition: 12 significant digits are
// more than any key needs.
func round12(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return v
}
