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

// credit is the score (0 to 1) of one question.
//
// single and true_false: 1 when the one correct option is the one chosen,
// else 0. multiple: all-or-nothing by default, 1 only when the chosen set is
// exactly the correct set. With partial credit (a tier setting) a multiple
// question scores max(0, (right − wrong) / correct), where right is the
// number of correct options chosen, wrong the number of incorrect options
// chosen and correct the number of correct options: choosing everything
// scores no more than choosing nothing, and each wrong pick cancels a right
// one. correct and picked are authored option indexes; picked has no
// duplicates.
func credit(t bank.Type, correct, picked []int, partial bool) float64 {
	isCorrect := make(map[int]bool, len(correct))
	for _, c := range correct {
		isCorrect[c] = true
	}
	right, wrong := 0, 0
	for _, p := range picked {
		if isCorrect[p] {
			right++
		} else {
			wrong++
		}
	}
	if len(correct) == 0 {
		return 0
	}
	if t == bank.Multiple && partial {
		return math.Max(0, float64(right-wrong)/float64(len(correct)))
	}
	if wrong == 0 && right == len(correct) {
		return 1
	}
	return 0
}

// gradeForm grades a form. Items whose current status is void drop out of
// the total and of their domain's total. The breakdown lists the domains in
// display order and leaves out a domain with nothing left to score.
//
// score_percent is truncated, not rounded, to one decimal, and the attempt
// passes when score_percent ≥ pass_percent: so a displayed 70.0 always means
// at least 70 %, and 69.96 % shows as 69.9 and fails. A form whose every
// item is void scores 0 and fails (a regrade is the remedy).
func gradeForm(qs []questionRow, items map[bank.Ref]*bank.Item, answers map[string]Answer, partial bool, passPercent int) grade {
	type sum struct {
		correct float64
		total   int
	}
	by := map[bank.Domain]*sum{}
	g := grade{Scores: make(map[string]float64, len(qs))}
	for _, q := range qs {
		it := items[q.Ref]
		if it == nil || it.Status == bank.Void {
			continue
		}
		var picked []int
		for _, c := range answers[q.ID].Choices {
			if p := optionIndex(c, len(q.Order)); p >= 0 {
				picked = append(picked, q.Order[p])
			}
		}
		c := credit(q.Type, it.Correct(), picked, partial)
		g.Scores[q.ID] = c
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
		g.ScorePercent = math.Floor(g.Correct/float64(g.Total)*1000+1e-6) / 10
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
