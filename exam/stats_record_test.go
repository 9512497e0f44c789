package exam

import (
	"context"
	"encoding/json"
	"testing"
)

// TestResponsesRecorded: a save stores the authored option indexes (the
// key's authored index, whatever the shuffle), and the submit stores each
// question's credit from the grading pass.
func TestResponsesRecorded(t *testing.T) {
	e := newEnv(t)
	e.fill("mini", 2)
	u := e.addUser("u1", "Ann")
	a := e.start(u, "mini")
	e.answerAll(u, a.ID, 3) // q1..q3 right, q4..q5 wrong
	rows, err := e.db.R.Query(`SELECT q.question_id, q.option_order, n.choices, n.authored, iv.options
		FROM answers n JOIN attempt_questions q USING (attempt_id, question_id)
		JOIN item_versions iv ON iv.item_id = q.item_id AND iv.version = q.item_version
		WHERE n.attempt_id = ?`, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for rows.Next() {
		var qid, order, choices, authored, opts string
		if err := rows.Scan(&qid, &order, &choices, &authored, &opts); err != nil {
			t.Fatal(err)
		}
		var ord, got []int
		var ch []string
		json.Unmarshal([]byte(order), &ord)
		json.Unmarshal([]byte(choices), &ch)
		json.Unmarshal([]byte(authored), &got)
		if len(got) != len(ch) {
			t.Fatalf("%s: authored %v for choices %v", qid, got, ch)
		}
		want := map[int]bool{}
		for _, c := range ch {
			want[ord[int(c[0]-'a')]] = true
		}
		for _, g := range got {
			if !want[g] {
				t.Errorf("%s: authored %v, choices %v through order %v", qid, got, ch, ord)
			}
		}
		seen++
	}
	rows.Close()
	if seen != 5 {
		t.Fatalf("answers = %d, want 5", seen)
	}
	if _, err := e.svc.Submit(context.Background(), u, a.ID); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT count(*) FROM attempt_questions WHERE attempt_id = ? AND score = 1 AND position <= 3`, a.ID); n != 3 {
		t.Errorf("questions 1-3 scored 1: %d, want 3", n)
	}
	if n := e.count(`SELECT count(*) FROM attempt_questions WHERE attempt_id = ? AND score = 0 AND position > 3`, a.ID); n != 2 {
		t.Errorf("questions 4-5 scored 0: %d, want 2", n)
	}
}
