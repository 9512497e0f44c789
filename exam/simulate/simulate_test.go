package simulate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/cert"
	"github.com/mopscert/mopscert/exam/stats"
)

type env struct {
	db    *db.DB
	clk   *clock.Fake
	bank  *bank.Store
	exams *exam.Service
	certs *cert.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	certs, err := cert.New(ctx, d, clk, "http://localhost:8080")
	if err != nil {
		t.Fatal(err)
	}
	var seed atomic.Int64
	bk := bank.NewStore(d, clk)
	th := stats.DefaultThresholds()
	th.Overexposed = 0.95 // a small pool: every item is on most forms
	ex := exam.NewService(d, clk, bk, certs, exam.Config{
		Logger: slog.New(slog.DiscardHandler),
		Seed:   func() int64 { return seed.Add(7919) },
		Stats:  exam.StatsConfig{Thresholds: th},
	})
	if err := ex.EnsureDefaultTiers(ctx); err != nil {
		t.Fatal(err)
	}
	return &env{db: d, clk: clk, bank: bk, exams: ex, certs: certs}
}

// fillBank gives the foundation tier 1.5 × its blueprint of single-answer
// items with four options, option 0 keyed.
func (e *env) fillBank(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	tier, err := e.exams.Tier(ctx, "foundation")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range bank.Domains {
		for i := 0; i < tier.Blueprint[d]*3/2; i++ {
			it := &bank.Item{ID: fmt.Sprintf("sim-%s-%02d", strings.ReplaceAll(string(d), "_", "-"), i),
				Status: bank.Active, Domain: d, Tiers: []string{"foundation"}, Type: bank.Single,
				Stem:    fmt.Sprintf("Which practice fits situation %d in %s?", i, d),
				Options: []bank.Option{{Text: "Right", Correct: true}, {Text: "Wrong one"}, {Text: "Wrong two"}, {Text: "Wrong three"}}}
			if err := e.bank.CreateItem(ctx, it, "test"); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, it.ID)
		}
	}
	return ids
}

func (e *env) runner(m Model) *Runner {
	return &Runner{DB: e.db, Exams: e.exams, Items: e.bank, Certs: e.certs, Model: m, Seed: 42,
		Advance: func(d time.Duration) { e.clk.Advance(d) }}
}

func flagged(it stats.ItemStats, code string) *stats.Flag {
	for i, f := range it.Flags {
		if f.Code == code {
			return &it.Flags[i]
		}
	}
	return nil
}

// TestPlantedFlaws simulates 250 candidates on a bank with four planted
// flaws: each is found with the right code, no sound item is called
// miskeyed, the facilities follow the generating difficulties, and the
// policy takes the miskeyed item out of the draw until an admin restores it.
func TestPlantedFlaws(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation: skipped with -short")
	}
	ctx := context.Background()
	e := newEnv(t)
	ids := e.fillBank(t)
	miskey, giveaway, unused, drift := ids[0], ids[1], ids[2], ids[3]
	m := Model{Items: map[string]ItemParams{
		miskey:   {Difficulty: -0.5, Miskey: true},
		giveaway: {Giveaway: true},
		unused:   {Difficulty: 0, Unused: []int{3}},
		drift:    {Difficulty: -1.5, ShiftAt: 0.5, ShiftTo: 1.5},
	}}
	sum, err := e.runner(m).Run(ctx, "foundation", 250)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Candidates != 250 {
		t.Fatalf("candidates = %d", sum.Candidates)
	}
	ts, err := e.exams.TierStats(ctx, "foundation", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{miskey: stats.KeySuspect, giveaway: stats.TooEasy, unused: stats.WeakDistractor, drift: stats.Drift}
	var fac, diff []float64
	for _, it := range ts.Items {
		if it.N < ts.MinN {
			t.Errorf("%s: n = %d, below %d", it.ID, it.N, ts.MinN)
			continue
		}
		if code := want[it.ID]; code != "" {
			f := flagged(it, code)
			if f == nil {
				t.Errorf("%s: flags %+v, want %s", it.ID, it.Flags, code)
			} else if code == stats.WeakDistractor && f.Option != 3 && flaggedOption(it, 3) == nil {
				t.Errorf("%s: weak distractor flags %+v, want option 3", it.ID, it.Flags)
			}
			continue
		}
		if f := flagged(it, stats.KeySuspect); f != nil {
			t.Errorf("sound item %s flagged key_suspect (r = %v)", it.ID, f.Value)
		}
		fac = append(fac, *it.Facility)
		diff = append(diff, HashDifficulty(it.ID))
	}
	if rho := spearman(fac, diff); rho > -0.8 {
		t.Errorf("Spearman(facility, difficulty) = %.3f, want < −0.8", rho)
	} else {
		t.Logf("Spearman(facility, difficulty) = %.3f over %d sound items", rho, len(fac))
	}
	if ts.Test.Alpha == nil || *ts.Test.Alpha <= 0.5 {
		t.Errorf("alpha = %v, want a reliable 30-item test", ts.Test.Alpha)
	}

	// The policy moved the miskeyed item (and only it) to review, and said why.
	it, err := e.bank.FindItemByID(ctx, miskey)
	if err != nil {
		t.Fatal(err)
	}
	if it.Status != bank.Review {
		t.Fatalf("miskeyed item status = %s, want review", it.Status)
	}
	evs, err := e.bank.Events(ctx, miskey)
	if err != nil {
		t.Fatal(err)
	}
	if evs[0].Action != bank.ActionAutoReview || evs[0].Actor != exam.StatsActor || !strings.Contains(evs[0].Detail, `"key_suspect"`) {
		t.Errorf("newest event = %+v, want auto_review by %s with the flag", evs[0], exam.StatsActor)
	}
	for _, id := range []string{giveaway, unused, drift} {
		if it, _ := e.bank.FindItemByID(ctx, id); it.Status != bank.Active {
			t.Errorf("%s status = %s, want active (note only)", id, it.Status)
		}
	}
	pool, err := e.bank.DrawPool(ctx, "foundation")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pool {
		if p.ID == miskey {
			t.Errorf("miskeyed item still in the draw")
		}
	}

	// An admin restores it; the next refresh (after more attempts) keeps
	// the admin's decision.
	if _, err := e.bank.SetStatus(ctx, miskey, bank.Active, "admin"); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if _, err := e.runner(m).Run(ctx, "foundation", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := e.exams.TierStats(ctx, "foundation", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if it, _ := e.bank.FindItemByID(ctx, miskey); it.Status != bank.Active {
		t.Errorf("restored item status = %s, want active", it.Status)
	}
}

func flaggedOption(it stats.ItemStats, opt int) *stats.Flag {
	for i, f := range it.Flags {
		if f.Code == stats.WeakDistractor && f.Option == opt {
			return &it.Flags[i]
		}
	}
	return nil
}

func TestRefusesRealCandidates(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fillBank(t)
	if _, err := e.db.W.Exec(`INSERT INTO users (id, email, email_norm, name, password_hash, role, created_at)
		VALUES ('u1', 'ann@example.com', 'ann@example.com', 'Ann', 'x', 'candidate', ?)`, e.clk.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.runner(Model{}).Run(ctx, "foundation", 1); !errors.Is(err, ErrRealCandidates) {
		t.Fatalf("err = %v, want %v", err, ErrRealCandidates)
	}
	r := e.runner(Model{})
	r.AllowReal = true
	if sum, err := r.Run(ctx, "foundation", 1); err != nil || sum.Candidates != 1 {
		t.Fatalf("allowed: %+v, %v", sum, err)
	}
}

func TestRespondFollowsModel(t *testing.T) {
	it := &bank.Item{ID: "x", Type: bank.Single, Options: []bank.Option{{Correct: true}, {}, {}, {}}}
	r := newRand(1)
	count := func(p ItemParams, theta float64, opt int) int {
		n := 0
		for i := 0; i < 2000; i++ {
			if c := p.Respond(r, it, theta, 0); len(c) == 1 && c[0] == opt {
				n++
			}
		}
		return n
	}
	if hi, lo := count(ItemParams{}, 2, 0), count(ItemParams{}, -2, 0); hi <= lo {
		t.Errorf("sound item: key chosen %d times at θ=2, %d at θ=−2", hi, lo)
	}
	if hi, lo := count(ItemParams{Miskey: true}, 2, 0), count(ItemParams{Miskey: true}, -2, 0); hi >= lo {
		t.Errorf("miskeyed item: key chosen %d times at θ=2, %d at θ=−2", hi, lo)
	}
	if n := count(ItemParams{Unused: []int{3}}, -2, 3); n != 0 {
		t.Errorf("unused option chosen %d times", n)
	}
}

// spearman is the rank correlation (no ties expected in these figures
// beyond chance; ties get their mean rank).
func spearman(x, y []float64) float64 {
	return pearson(ranks(x), ranks(y))
}

func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	out := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			out[idx[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return out
}

func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var c, vx, vy float64
	for i := range x {
		c += (x[i] - mx) * (y[i] - my)
		vx += (x[i] - mx) * (x[i] - mx)
		vy += (y[i] - my) * (y[i] - my)
	}
	return c / math.Sqrt(vx*vy)
}
