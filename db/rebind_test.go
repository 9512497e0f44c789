package db

import "testing"

func TestRebind(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"none", `SELECT 1`, `SELECT 1`},
		{"sequential", `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`, `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`},
		{"numbered", `UPDATE t SET a = ?2 WHERE id = ?1 AND b = ?1`, `UPDATE t SET a = $2 WHERE id = $1 AND b = $1`},
		{"plain after numbered continues from the largest", `SELECT ?3, ?`, `SELECT $3, $4`},
		{"ten and more", `VALUES (?,?,?,?,?,?,?,?,?,?,?)`, `VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`},
		{"string literal", `SELECT 'a?b', ? FROM t`, `SELECT 'a?b', $1 FROM t`},
		{"escaped quote in literal", `SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{"quoted identifier", `SELECT "we?ird" FROM t WHERE x = ?`, `SELECT "we?ird" FROM t WHERE x = $1`},
		{"line comment", "SELECT ? -- is it?\nFROM t WHERE y = ?", "SELECT $1 -- is it?\nFROM t WHERE y = $2"},
		{"block comment", `SELECT /* why? */ ?`, `SELECT /* why? */ $1`},
		{"doubled is literal", `SELECT data ?? 'k', ?`, `SELECT data ? 'k', $1`},
		{"like escape", `WHERE a LIKE ? ESCAPE '\'`, `WHERE a LIKE $1 ESCAPE '\'`},
		{"unterminated literal", `SELECT '?`, `SELECT '?`},
		{"minus alone", `SELECT 3 - ?`, `SELECT 3 - $1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Rebind(tc.in); got != tc.want {
				t.Errorf("Rebind(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func BenchmarkRebind(b *testing.B) {
	q := `INSERT INTO answers (attempt_id, question_id, choices, flagged, saved_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (attempt_id, question_id) DO UPDATE SET choices = excluded.choices -- keep 'first'`
	for b.Loop() {
		_ = Rebind(q)
	}
}
