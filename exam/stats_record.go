package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
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
// statement (a JSON object keyed by question id), so a submit pays one
// round trip however long the form is.
func recordScores(ctx context.Context, tx *sql.Tx, attemptID string, scores map[string]float64) error {
	if len(scores) == 0 {
		return nil
	}
	js, err := json.Marshal(scores)
	if err != nil {
		return fmt.Errorf("encode scores: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE attempt_questions
		SET score = json_extract(?1, '$."' || question_id || '"')
		WHERE attempt_id = ?2`, string(js), attemptID); err != nil {
		return fmt.Errorf("record question scores of %s: %w", attemptID, err)
	}
	return nil
}
