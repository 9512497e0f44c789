package bank

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
)

// Review checks of a bank by people who did not write it (docs/review-checks.md):
//
//   - options-only: a reviewer sees only the options of single-answer items,
//     never the question, and picks the likely key. A bank whose keys can be
//     spotted that way rewards test-wiseness, not knowledge.
//   - outsider: a reviewer with general knowledge only answers items with
//     their questions. A certificate that an outsider can pass means little.
//
// A sheet is drawn by a seed so the same sample can be drawn again and
// scored by anyone.

// SampleMode is the kind of review check.
type SampleMode string

// The review checks.
const (
	OptionsOnly SampleMode = "options-only"
	Outsider    SampleMode = "outsider"
)

// SheetItem is one question of a review sheet: what the reviewer sees, and
// the item it came from (kept out of the printed sheet).
type SheetItem struct {
	No      int      `json:"no"`
	ItemID  string   `json:"item_id"`
	Type    Type     `json:"type"`
	Order   []int    `json:"order"`             // displayed letter -> authored option index
	Matches []int    `json:"matches,omitempty"` // matching: displayed answer -> authored option index
	Chance  float64  `json:"chance"`
	Letters []string `json:"-"`
}

// Sheet is a seeded sample of one tier's items for a review check.
type Sheet struct {
	Tier  string      `json:"tier"`
	Mode  SampleMode  `json:"mode"`
	Seed  uint64      `json:"seed"`
	Items []SheetItem `json:"items"`
}

// Chance is the expected score of answering the sheet uniformly at random.
func (s *Sheet) Chance() float64 {
	if len(s.Items) == 0 {
		return 0
	}
	t := 0.0
	for _, it := range s.Items {
		t += it.Chance
	}
	return t / float64(len(s.Items))
}

// DrawSheet draws n active items of tier for a review check. The two modes
// draw from one seeded permutation: options-only takes the first n
// single-answer items, outsider takes any other item from the back, so with
// the same seed and size the two sheets never share an item.
func DrawSheet(items []Item, tier string, mode SampleMode, n int, seed uint64) (*Sheet, error) {
	var pool []Item
	for _, it := range items {
		if it.Status == Active && contains(it.Tiers, tier) {
			pool = append(pool, it)
		}
	}
	sort.Slice(pool, func(i, j int) bool { return pool[i].ID < pool[j].ID })
	rng := rand.New(rand.NewPCG(seed, 0x6d6f7073))
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	if mode == Outsider {
		var rest []Item
		singles := 0
		for _, it := range pool {
			if it.Type == Single && singles < n {
				singles++ // on the options-only sheet of this seed
				continue
			}
			rest = append(rest, it)
		}
		slices.Reverse(rest)
		pool = rest
	} else if mode != OptionsOnly {
		return nil, fmt.Errorf("sample mode %q: use options-only or outsider", mode)
	}
	sh := &Sheet{Tier: tier, Mode: mode, Seed: seed}
	for _, it := range pool {
		if len(sh.Items) == n {
			break
		}
		if mode == OptionsOnly && it.Type != Single {
			continue
		}
		si := SheetItem{No: len(sh.Items) + 1, ItemID: it.ID, Type: it.Type}
		if len(it.Options) > 0 && it.Type != TrueFalse {
			si.Order = rng.Perm(len(it.Options))
		} else {
			si.Order = identity(len(it.Options))
		}
		if it.Type == Matching {
			si.Matches = rng.Perm(len(it.Options))
		}
		si.Chance = chanceOf(&it)
		sh.Items = append(sh.Items, si)
	}
	if len(sh.Items) < n {
		return nil, fmt.Errorf("tier %s has only %d items for a %s sheet of %d", tier, len(sh.Items), mode, n)
	}
	return sh, nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func identity(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// chanceOf is the expected score of a uniformly random answer, all or
// nothing: one of k for single and true/false, one of the 2^k−1 non-empty
// sets for multiple, one of k! orders or pairings, nothing for numeric.
func chanceOf(it *Item) float64 {
	k := float64(len(it.Options))
	switch it.Type {
	case Single, TrueFalse:
		return 1 / k
	case Multiple:
		return 1 / (math.Pow(2, k) - 1)
	case Ordering, Matching:
		return 1 / math.Gamma(k+1)
	}
	return 0
}

func letter(i int) string { return string(rune('A' + i)) }

// WriteSheet prints the sheet a reviewer answers, in Markdown. byID gives
// the items' content.
func WriteSheet(w io.Writer, sh *Sheet, byID map[string]*Item) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Review sheet: %s, tier %s, seed %d\n\n", sh.Mode, sh.Tier, sh.Seed)
	if sh.Mode == OptionsOnly {
		b.WriteString("Each question is hidden; only its options are shown. Pick the option you think is the key.\n" +
			"Answer with one line per question: `N: LETTER`.\n\n")
	} else {
		b.WriteString("Answer each question using general knowledge only.\n" +
			"One line per question: `N: B` (single, true/false), `N: A,C` (select all), `N: 13.3` (number),\n" +
			"`N: C,A,B,D` (ordering: the letters in your order), `N: 2,1,3` (matching: for each prompt A, B, C… the number of its answer).\n\n")
	}
	for _, si := range sh.Items {
		it := byID[si.ItemID]
		fmt.Fprintf(&b, "## %d\n\n", si.No)
		if sh.Mode == Outsider {
			fmt.Fprintf(&b, "(%s)\n\n%s\n\n", typeHint(it.Type), strings.TrimSpace(it.Stem))
			if it.Exhibit != "" {
				fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(it.Exhibit))
			}
			if it.Type == Numeric && it.Numeric != nil && it.Numeric.Unit != "" {
				fmt.Fprintf(&b, "Unit: %s\n\n", it.Numeric.Unit)
			}
		}
		for d, a := range si.Order {
			fmt.Fprintf(&b, "- %s. %s\n", letter(d), oneLine(it.Options[a].Text))
		}
		if it.Type == Matching {
			b.WriteString("\nAnswers:\n")
			for d, a := range si.Matches {
				fmt.Fprintf(&b, "- %d. %s\n", d+1, oneLine(it.Options[a].Match))
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func typeHint(t Type) string {
	switch t {
	case Multiple:
		return "select all that apply"
	case Numeric:
		return "type a number"
	case Ordering:
		return "put the steps in order"
	case Matching:
		return "match each prompt to one answer"
	case TrueFalse:
		return "true or false"
	}
	return "pick one"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// SheetScore is a reviewer's result on a sheet.
type SheetScore struct {
	Answered int     `json:"answered"`
	Correct  float64 `json:"correct"`
	Percent  float64 `json:"percent"`
	Chance   float64 `json:"chance_percent"`
}

// ScoreSheet scores a reviewer's answers (lines `N: answer`, as WriteSheet
// asks for) all or nothing. A question left out scores 0.
func ScoreSheet(sh *Sheet, byID map[string]*Item, answers string) (SheetScore, error) {
	given := map[int]string{}
	for i, line := range strings.Split(answers, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		no, ans, ok := strings.Cut(line, ":")
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(no), "%d", &n); !ok || err != nil {
			return SheetScore{}, fmt.Errorf("answers line %d: want `N: answer`, got %q", i+1, line)
		}
		given[n] = strings.TrimSpace(ans)
	}
	var sc SheetScore
	for _, si := range sh.Items {
		ans, ok := given[si.No]
		if !ok {
			continue
		}
		sc.Answered++
		r, err := si.response(ans)
		if err != nil {
			return SheetScore{}, fmt.Errorf("answer %d: %w", si.No, err)
		}
		sc.Correct += byID[si.ItemID].Score(r, false)
	}
	sc.Percent = 100 * sc.Correct / float64(len(sh.Items))
	sc.Chance = 100 * sh.Chance()
	return sc, nil
}

// response turns a sheet answer into authored indexes.
func (si *SheetItem) response(ans string) (Response, error) {
	var r Response
	if si.Type == Numeric {
		v, err := ParseNumber(ans)
		if err != nil {
			return r, err
		}
		r.Value = &v
		return r, nil
	}
	parts := strings.FieldsFunc(ans, func(c rune) bool { return c == ',' || c == ' ' || c == ';' })
	if si.Type == Matching {
		r.Matches = make([]int, len(si.Order))
		for i := range r.Matches {
			r.Matches[i] = -1
		}
		for d, p := range parts {
			var k int
			if _, err := fmt.Sscanf(p, "%d", &k); err != nil || k < 1 || k > len(si.Matches) || d >= len(si.Order) {
				return r, fmt.Errorf("matching answer %q: give one answer number per prompt", ans)
			}
			r.Matches[si.Order[d]] = si.Matches[k-1]
		}
		return r, nil
	}
	for _, p := range parts {
		p = strings.ToUpper(strings.TrimSpace(p))
		if len(p) != 1 || p[0] < 'A' || int(p[0]-'A') >= len(si.Order) {
			return r, fmt.Errorf("%q is not one of the letters shown", p)
		}
		r.Picked = append(r.Picked, si.Order[p[0]-'A'])
	}
	return r, nil
}
