package bank

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// DefaultEnemyThreshold is the TF-IDF cosine (over stemmed content words
// and word pairs of stem and key) from which two items count as testing the
// same thing. Paraphrases of one fact land around 0.5–0.8; items that only
// share a topic stay under 0.3.
const DefaultEnemyThreshold = 0.45

// answerShare: an item's stem "answers" another item when it holds this
// share of the other's key words (keys of at least answerMinWords words).
const (
	answerShare    = 0.8
	answerMinWords = 4
)

// EnemyPair is one reason for two items to share an enemy group.
type EnemyPair struct {
	A     string  `json:"a"`
	B     string  `json:"b"`
	Kind  string  `json:"kind"`  // "similar", or "answers" when A's stem gives away B's key
	Score float64 `json:"score"` // cosine, or the share of B's key words in A's stem
}

// EnemyGroup is a proposed group: a connected component of enemy pairs.
// Name is an existing group of a member where there is one, otherwise a
// name made from the words the items share.
type EnemyGroup struct {
	Name  string      `json:"name"`
	Items []string    `json:"items"`
	Pairs []EnemyPair `json:"pairs"`
}

// enemyDoc is an item's text as a weighted term vector.
type enemyDoc struct {
	it    *Item
	terms map[string]float64
}

func enemyText(it *Item) string {
	var b strings.Builder
	b.WriteString(it.Stem)
	if it.Type == Single || it.Type == Multiple {
		for _, o := range it.Options {
			if o.Correct {
				b.WriteString("\n")
				b.WriteString(o.Text)
			}
		}
	}
	return b.String()
}

// enemyTerms are the stemmed content words of s and the pairs of adjacent
// ones: pairs keep "lead scoring" apart from "scoring leads to...".
func enemyTerms(s string) map[string]int {
	var ws []string
	for _, tk := range splitWords(s) {
		if len(tk.word) < 3 || auditStopWords[tk.word] {
			continue
		}
		ws = append(ws, stemWord(tk.word))
	}
	m := map[string]int{}
	for i, w := range ws {
		m[w]++
		if i > 0 {
			m[ws[i-1]+" "+w]++
		}
	}
	return m
}

// EnemyGroups proposes enemy groups among items: pairs whose stem-and-key
// texts have a TF-IDF cosine of at least threshold, and pairs where one
// stem gives away the other's key, joined into connected components. Pairs
// already in one group, and versions of one item, are not reported.
func EnemyGroups(items []*Item, threshold float64) []EnemyGroup {
	var docs []enemyDoc
	df := map[string]int{}
	raw := make([]map[string]int, 0, len(items))
	for _, it := range items {
		if it == nil {
			continue
		}
		t := enemyTerms(enemyText(it))
		raw = append(raw, t)
		docs = append(docs, enemyDoc{it: it})
		for w := range t {
			df[w]++
		}
	}
	n := float64(len(docs))
	// Terms in more than a fifth of a large bank carry little weight and
	// make the posting lists long; leave them out of the pair search.
	maxDF := max(10, len(docs)/5)
	postings := map[string][]int{}
	for i, t := range raw {
		v := map[string]float64{}
		norm := 0.0
		for w, c := range t {
			x := (1 + math.Log(float64(c))) * math.Log(1+n/float64(df[w]))
			v[w] = x
			norm += x * x
		}
		norm = math.Sqrt(norm)
		for w := range v {
			v[w] /= norm
			if df[w] <= maxDF {
				postings[w] = append(postings[w], i)
			}
		}
		docs[i].terms = v
	}

	parent := make([]int, len(docs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	var pairs []EnemyPair
	pairOf := map[[2]int]bool{}
	link := func(a, b int, kind string, score float64) {
		x, y := docs[a].it, docs[b].it
		if x.ID == y.ID && x.ID != "" || x.Group != "" && x.Group == y.Group {
			return
		}
		key := [2]int{min(a, b), max(a, b)}
		if pairOf[key] {
			return
		}
		pairOf[key] = true
		pairs = append(pairs, EnemyPair{A: x.ID, B: y.ID, Kind: kind, Score: math.Round(score*100) / 100})
		parent[find(a)] = find(b)
	}

	// Cosines through the postings: only documents sharing a term meet.
	// A dense accumulator reused across documents: a map per document
	// cost most of the audit's time.
	dot := make([]float64, len(docs))
	var touched, js []int
	for i := range docs {
		touched = touched[:0]
		for w, x := range docs[i].terms {
			for _, j := range postings[w] {
				if j > i {
					if dot[j] == 0 {
						touched = append(touched, j)
					}
					dot[j] += x * docs[j].terms[w]
				}
			}
		}
		js = js[:0]
		for _, j := range touched {
			if dot[j] >= threshold {
				js = append(js, j)
			}
		}
		sort.Ints(js)
		for _, j := range js {
			link(i, j, "similar", dot[j])
		}
		for _, j := range touched {
			dot[j] = 0
		}
	}

	// A stem that holds most of another item's key answers that item.
	stemSets := make([]map[string]bool, len(docs))
	for i, d := range docs {
		stemSets[i] = map[string]bool{}
		for _, w := range contentWords(d.it.Stem) {
			stemSets[i][w] = true
		}
	}
	for b, d := range docs {
		if d.it.Type != Single && d.it.Type != Multiple {
			continue
		}
		for _, o := range d.it.Options {
			if !o.Correct {
				continue
			}
			kw := contentWords(o.Text)
			if len(kw) < answerMinWords {
				continue
			}
			for a := range docs {
				if a == b {
					continue
				}
				hit := 0
				for _, w := range kw {
					if stemSets[a][w] {
						hit++
					}
				}
				if share := float64(hit) / float64(len(kw)); share >= answerShare {
					link(a, b, "answers", share)
				}
			}
		}
	}

	comp := map[int][]int{}
	for i := range docs {
		comp[find(i)] = append(comp[find(i)], i)
	}
	var groups []EnemyGroup
	used := map[string]bool{}
	for _, members := range comp {
		if len(members) < 2 {
			continue
		}
		g := EnemyGroup{}
		in := map[string]bool{}
		for _, m := range members {
			g.Items = append(g.Items, docs[m].it.ID)
			in[docs[m].it.ID] = true
			if g.Name == "" && docs[m].it.Group != "" {
				g.Name = docs[m].it.Group
			}
		}
		sort.Strings(g.Items)
		for _, p := range pairs {
			if in[p.A] {
				g.Pairs = append(g.Pairs, p)
			}
		}
		if g.Name == "" {
			g.Name = groupName(docs, members, used)
		}
		used[g.Name] = true
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Items[0] < groups[j].Items[0] })
	return groups
}

// groupName names a new group after the heaviest single word all its
// members share (or the first member's id), made unique.
func groupName(docs []enemyDoc, members []int, used map[string]bool) string {
	best, bestW := "", 0.0
	for w, x := range docs[members[0]].terms {
		if strings.Contains(w, " ") {
			continue
		}
		sum := x
		for _, m := range members[1:] {
			y, ok := docs[m].terms[w]
			if !ok {
				sum = -1
				break
			}
			sum += y
		}
		if sum > bestW || sum == bestW && w < best {
			best, bestW = w, sum
		}
	}
	name := Slug(best)
	if name == "" {
		name = docs[members[0]].it.ID
	}
	name = "enemy-" + name
	base := name
	for i := 2; used[name]; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	return name
}

func enemyFindings(groups []EnemyGroup) []AuditFinding {
	var out []AuditFinding
	for _, g := range groups {
		why := map[string][]string{}
		for _, p := range g.Pairs {
			switch p.Kind {
			case "answers":
				why[p.A] = append(why[p.A], fmt.Sprintf("its stem holds %.0f %% of the key of %s", 100*p.Score, p.B))
				why[p.B] = append(why[p.B], fmt.Sprintf("its key is given away by the stem of %s", p.A))
			default:
				why[p.A] = append(why[p.A], fmt.Sprintf("similar to %s (cosine %.2f)", p.B, p.Score))
				why[p.B] = append(why[p.B], fmt.Sprintf("similar to %s (cosine %.2f)", p.A, p.Score))
			}
		}
		for _, id := range g.Items {
			out = append(out, AuditFinding{ItemID: id, Rule: AuditEnemy, Severity: SeverityWarning, Group: g.Name,
				Message:  fmt.Sprintf("Tests the same thing as, or answers, another item: put them in one enemy group (proposed “%s”) so that a form never holds both.", g.Name),
				Evidence: strings.Join(why[id], "; ")})
		}
	}
	return out
}
