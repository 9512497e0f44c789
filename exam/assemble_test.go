package exam

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/bank"
)

// testPool makes n items per domain, ids d-NNNN, in a scrambled order so
// the draw's own sorting is exercised.
func testPool(n map[bank.Domain]int) []bank.PoolEntry {
	var out []bank.PoolEntry
	for _, d := range bank.Domains {
		for i := 0; i < n[d]; i++ {
			out = append(out, bank.PoolEntry{ID: fmt.Sprintf("%s-%04d", d, i), Version: 1, Domain: d})
		}
	}
	for i := range out { // deterministic scramble
		j := (i * 7919) % len(out)
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func ids(es []bank.PoolEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func TestDraw(t *testing.T) {
	for _, tier := range DefaultTiers() {
		t.Run(tier.Code, func(t *testing.T) {
			pool := testPool(map[bank.Domain]int{bank.Concepts: 40, bank.Tools: 40, bank.SoftSkills: 40})
			for seed := int64(0); seed < 50; seed++ {
				picks, short := draw(pool, tier.Blueprint, nil, nil, seed)
				if len(short) > 0 {
					t.Fatalf("seed %d: short %v", seed, short)
				}
				if got, want := len(picks), tier.QuestionCount; got != want {
					t.Fatalf("seed %d: %d picks, want %d", seed, got, want)
				}
				per := map[bank.Domain]int{}
				seen := map[string]bool{}
				for _, p := range picks {
					if seen[p.ID] {
						t.Fatalf("seed %d: %s drawn twice", seed, p.ID)
					}
					seen[p.ID] = true
					per[p.Domain]++
				}
				for _, d := range bank.Domains {
					if got, want := per[d], tier.Blueprint[d]; got != want {
						t.Errorf("seed %d %s: %d items, want %d", seed, d, got, want)
					}
				}
			}
		})
	}

	bp := DefaultTiers()[0].Blueprint
	pool := testPool(map[bank.Domain]int{bank.Concepts: 40, bank.Tools: 40, bank.SoftSkills: 40})

	t.Run("DeterministicPerSeed", func(t *testing.T) {
		a, _ := draw(pool, bp, nil, nil, 42)
		// The same pool in another order gives the same form.
		rev := append([]bank.PoolEntry(nil), pool...)
		sort.Slice(rev, func(i, j int) bool { return rev[i].ID > rev[j].ID })
		b, _ := draw(rev, bp, nil, nil, 42)
		if !reflect.DeepEqual(ids(a), ids(b)) {
			t.Errorf("same seed, different forms:\n%v\n%v", ids(a), ids(b))
		}
	})

	t.Run("SeedsDiffer", func(t *testing.T) {
		forms := map[string]bool{}
		for seed := int64(1); seed <= 20; seed++ {
			p, _ := draw(pool, bp, nil, nil, seed)
			forms[strings.Join(ids(p), ",")] = true
		}
		if got := len(forms); got < 20 {
			t.Errorf("20 seeds gave %d distinct forms", got)
		}
	})

	t.Run("AvoidsSeen", func(t *testing.T) {
		first, _ := draw(pool, bp, nil, nil, 1)
		seen := map[string]bool{}
		for _, p := range first {
			seen[p.ID] = true
		}
		for seed := int64(2); seed < 30; seed++ {
			again, _ := draw(pool, bp, seen, nil, seed)
			for _, p := range again {
				if seen[p.ID] {
					t.Fatalf("seed %d: drew %s again though the pool had unseen items", seed, p.ID)
				}
			}
		}
	})

	t.Run("TopsUpWithSeen", func(t *testing.T) {
		// 15 concepts in the pool, 10 seen: all 5 unseen are drawn, and
		// the rest of the blueprint's concepts from the seen ones.
		small := testPool(map[bank.Domain]int{bank.Concepts: 15, bank.Tools: bp[bank.Tools], bank.SoftSkills: bp[bank.SoftSkills]})
		seen := map[string]bool{}
		for i := 0; i < 10; i++ {
			seen[fmt.Sprintf("concepts-%04d", i)] = true
		}
		picks, short := draw(small, bp, seen, nil, 7)
		if len(short) > 0 {
			t.Fatalf("short: %v", short)
		}
		fresh, old := 0, 0
		for _, p := range picks {
			if p.Domain != bank.Concepts {
				continue
			}
			if seen[p.ID] {
				old++
			} else {
				fresh++
			}
		}
		if fresh != 5 || old != bp[bank.Concepts]-5 {
			t.Errorf("concepts: %d unseen + %d seen, want 5 + %d", fresh, old, bp[bank.Concepts]-5)
		}
	})

	t.Run("ErrShort", func(t *testing.T) {
		small := testPool(map[bank.Domain]int{bank.Concepts: 12, bank.Tools: 3, bank.SoftSkills: 8})
		picks, short := draw(small, bp, nil, nil, 1)
		if picks != nil {
			t.Errorf("picks = %d, want none", len(picks))
		}
		if got, want := short.String(), fmt.Sprintf("tools has 3 active items, %d needed", bp[bank.Tools]); got != want {
			t.Errorf("short = %q, want %q", got, want)
		}
	})
}

func TestOptionOrder(t *testing.T) {
	t.Run("Permutation", func(t *testing.T) {
		it := testItem("x", "mini", bank.Concepts, 1)
		orders := map[string]bool{}
		r := newRNG(3)
		for i := 0; i < 50; i++ {
			o := optionOrder(r, it)
			s := append([]int(nil), o...)
			sort.Ints(s)
			if !reflect.DeepEqual(s, []int{0, 1, 2, 3}) {
				t.Fatalf("order %v is not a permutation", o)
			}
			orders[fmt.Sprint(o)] = true
		}
		if len(orders) < 10 {
			t.Errorf("50 shuffles gave only %d orders", len(orders))
		}
	})
	t.Run("TrueFirst", func(t *testing.T) {
		it := testItem("x", "mini", bank.Concepts, 2) // authored False, True
		if got, want := optionOrder(newRNG(1), it), []int{1, 0}; !reflect.DeepEqual(got, want) {
			t.Errorf("order = %v, want %v", got, want)
		}
	})
}

func TestStartAssembly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fill("foundation", 2)
	u := e.addUser("u1", "Ada Lovelace")

	a := e.start(u, "foundation")
	if got, want := len(a.Questions), 30; got != want {
		t.Fatalf("questions = %d, want %d", got, want)
	}
	per := map[bank.Domain]int{}
	for i, q := range a.Questions {
		if got, want := q.ID, fmt.Sprintf("q%d", i+1); got != want {
			t.Errorf("question id = %s, want %s", got, want)
		}
		if got, want := q.Position, i+1; got != want {
			t.Errorf("position = %d, want %d", got, want)
		}
		for p, o := range q.Options {
			if got, want := o.ID, string(rune('a'+p)); got != want {
				t.Errorf("option id = %s, want %s", got, want)
			}
		}
		if !strings.Contains(q.Stem, "<strong>") {
			t.Errorf("stem %q is not rendered HTML", q.Stem)
		}
		if q.Answer != nil {
			t.Errorf("fresh question has an answer")
		}
		per[q.Domain]++
	}
	for _, d := range bank.Domains {
		if got, want := per[d], DefaultTiers()[0].Blueprint[d]; got != want {
			t.Errorf("%s: %d questions, want %d", d, got, want)
		}
	}
	if got, want := a.Deadline.Sub(a.StartedAt).Seconds(), 45*60.0; got != want {
		t.Errorf("time limit = %gs, want %gs", got, want)
	}
	if got, want := a.RemainingSeconds, 45*60; got != want {
		t.Errorf("remaining = %d, want %d", got, want)
	}

	// Nothing in the JSON reveals the key or the authored ids.
	js := mustJSON(t, a)
	for _, leak := range []string{"correct", "feedback", "rationale", "foundation-concepts", "item_id", "version"} {
		if strings.Contains(js, leak) {
			t.Errorf("attempt JSON contains %q", leak)
		}
	}

	// The stored form is the one shown, and GET shows it again.
	got, err := e.svc.Attempt(ctx, u, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, got) != js {
		t.Errorf("GET differs from the started attempt")
	}
}

func TestRetakeAvoidsPreviousItems(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fill("mini", 2) // exactly two forms' worth
	u := e.addUser("u1", "Ada")

	itemsOf := func(id string) map[string]bool {
		out := map[string]bool{}
		rows, err := e.db.R.Query(`SELECT item_id FROM attempt_questions WHERE attempt_id = ?`, id)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			out[s] = true
		}
		return out
	}
	fail := func(a *Attempt) {
		if _, err := e.svc.Submit(ctx, u, a.ID); err != nil { // no answers: fails
			t.Fatal(err)
		}
		e.clk.Advance(2 * time.Hour) // past the retake wait
	}

	a1 := e.start(u, "mini")
	fail(a1)
	a2 := e.start(u, "mini")
	fail(a2)
	first, second := itemsOf(a1.ID), itemsOf(a2.ID)
	for id := range second {
		if first[id] {
			t.Errorf("retake drew %s again though unseen items were left", id)
		}
	}
	// Third attempt: every item has been seen; the form is still full.
	a3 := e.start(u, "mini")
	if got, want := len(itemsOf(a3.ID)), 5; got != want {
		t.Errorf("third form has %d items, want %d", got, want)
	}
}

func TestStartErrTierUnavailable(t *testing.T) {
	e := newEnv(t)
	e.addItems("mini", bank.Concepts, 2)
	e.addItems("mini", bank.Tools, 1)
	u := e.addUser("u1", "Ada")
	_, err := e.svc.Start(context.Background(), u, "", "mini")
	ae := wantErr(t, err, ErrTierUnavailable)
	if !strings.Contains(ae.Message, "tools has 1 active items, 2 needed") || !strings.Contains(ae.Message, "soft_skills has 0") {
		t.Errorf("message = %q", ae.Message)
	}
	if got, want := mustJSON(t, ae.Extra["missing"]), `{"soft_skills":1,"tools":1}`; got != want {
		t.Errorf("missing = %s, want %s", got, want)
	}
	if n := e.count(`SELECT count(*) FROM attempts`); n != 0 {
		t.Errorf("%d attempts stored", n)
	}
}
