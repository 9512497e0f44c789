package exam

import (
	"math"

	"github.com/mopscert/mopscert/bank"
)

// Outcome of a graded attempt.
type Outcome string

// The outcomes.
const (
	OutcomePassed Outcome = "passed"
	OutcomeFailed Outcome = "failed"
)

// DomainScore is one line of a result's breakdown.
type DomainScore struct {
	Domain  bank.Domain `json:"domain"`
	Correct float64     `json:"correct"`
	Total   int         `json:"total"`
	Percent float64     `json:"percent"` // rounded to one decimal
}

// grade is the outcome of grading a form.
type grade struct {
	Correct      float64
	Total        int
	ScorePercent float64
	Outcome      Outcome
	Domains      []DomainScore
	// Scores is each scored question's credit by question id, from this
	// same pass, so statistics never re-grade (void items have none).
	Scores map[string]float64
}

// response maps a saved answer from displayed ids back to authored indexes
// for Item.Score, which holds the scoring rules of every type. Ids that no
// longer fit (they are checked at save) are dropped, never guessed. A typed
// number is read in lang, the attempt's language, as it was at save.
func response(q questionRow, a Answer, lang string) bank.Response {
	var r bank.Response
	switch q.Type {
	case bank.Numeric:
		if v, err := bank.ParseNumberIn(a.Value, lang); err == nil {
			r.Value = &v
		}
	case bank.Matching:
		r.Matches = make([]int, len(q.Order))
		for p := range r.Matches {
			r.Matches[p] = -1
		}
		for p, c := range a.Choices {
			if p >= len(q.Order) {
				break
			}
			if m := optionIndex(c, len(q.MatchOrder)); m >= 0 {
				r.Matches[q.Order[p]] = q.MatchOrder[m]
			}
		}
	default: // the option types and ordering: Picked keeps the given order
		for _, c := range a.Choices {
			if p := optionIndex(c, len(q.Order)); p >= 0 {
				r.Picked = append(r.Picked, q.Order[p])
			}
		}
	}
	return r
}

// gradeFromScores totals per-question scores (a question without one is out
// of the total) with gradeForm's rules: score_percent truncated to one
// decimal, pass at score_percent ≥ pass_percent, domains in display order.
func gradeFromScores(qs []questionRow, scores map[string]float64, passPercent int) grade {
	type sum struct {
		correct float64
		total   int
	}
	by := map[bank.Domain]*sum{}
	g := grade{Scores: scores}
	for _, q := range qs {
		c, ok := scores[q.ID]
		if !ok {
			continue
		}
		d := by[q.Domain]
		if d == nil {
			d = &sum{}
			by[q.Domain] = d
		}
		d.correct += c
		d.total++
		g.Correct += c
		g.Total++
	}
	if g.Total > 0 {
		g.ScorePercent = floorTenth(g.Correct / float64(g.Total) * 100)
	}
	g.Outcome = OutcomeFailed
	if g.Total > 0 && g.ScorePercent >= float64(passPercent) {
		g.Outcome = OutcomePassed
	}
	g.Correct = round(g.Correct, 3)
	for _, d := range domainOrder(by) {
		s := by[d]
		g.Domains = append(g.Domains, DomainScore{
			Domain: d, Correct: round(s.correct, 3), Total: s.total,
			Percent: round(s.correct/float64(s.total)*100, 1),
		})
	}
	return g
}

// gradeForm grades a form. Items whose current status is void drop out of
// the total and of their domain's total. The breakdown lists the domains in
// display order and leaves out a domain with nothing left to score.
//
// score_percent is truncated, not rounded, to one decimal, and the attempt
// passes when score_percent ≥ pass_percent: so a displayed 70.0 always means
// at least 70 %, and 69.96 % shows as 69.9 and fails. A form whose every
// item is void scores 0 and fails (a regrade is the remedy).
func gradeForm(qs []questionRow, items map[bank.Ref]*bank.Item, answers map[string]Answer, lang string, partial bool, passPercent int) grade {
	scores := make(map[string]float64, len(qs))
	for _, q := range qs {
		if it := items[q.Ref]; it != nil && it.Status != bank.Void {
			scores[q.ID] = it.Score(response(q, answers[q.ID], lang), partial)
		}
	}
	return gradeFromScores(qs, scores, passPercent)
}

// domainOrder is the known domains in display order, then others sorted.
func domainOrder[V any](m map[bank.Domain]V) []bank.Domain {
	bp := Blueprint{}
	for d := range m {
		bp[d] = 1
	}
	return blueprintDomains(bp)
}

func round(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}
