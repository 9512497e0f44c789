package exam

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// authoredJSON maps displayed option ids to the authored indexes through the
// form's frozen option order, sorted, as JSON: what statistics analyse,
// whatever order the candidate saw. choices are already validated.
func authoredJSON(order []int, choices []string) string {
	idx := make([]int, 0, len(choices))
	for _, c := range choices {
		if p := optionIndex(c, len(order)); p >= 0 {
			idx = append(idx, order[p])
		}
	}
	sort.Ints(idx)
	b := make([]byte, 0, 2+3*len(idx))
	b = append(b, '[')
	for i, v := range idx {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(v), 10)
	}
	return string(append(b, ']'))
}

// recordScores stores each question's credit from the grading pass in one
// statement (a CASE over the question ids; a question without a score gets
// NULL), so a submit pays one round trip however long the form is.
func recordScores(ctx context.Context, tx *sql.Tx, attemptID string, scores map[string]float64) error {
	if len(scores) == 0 {
		return nil
	}
	ids := make([]string, 0, len(scores))
	for id := range scores {
		ids = append(ids, id)
	}
	sort.Strings(ids) // one statement text per form, so drivers reuse it
	var q strings.Builder
	args := make([]any, 0, 2*len(ids)+1)
	q.WriteString(`UPDATE attempt_questions SET score = CASE question_id`)
	for _, id := range ids {
		// The CAST tells PostgreSQL the parameter's type; SQLite reads it
		// as REAL affinity.
		q.WriteString(` WHEN ? THEN CAST(? AS DOUBLE PRECISION)`)
		args = append(args, id, scores[id])
	}
	q.WriteString(` END WHERE attempt_id = ?`)
	args = append(args, attemptID)
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("record question scores of %s: %w", attemptID, err)
	}
	return nil
}
