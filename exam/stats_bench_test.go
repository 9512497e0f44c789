package exam

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mopscert/mopscert/bank"
)

// TestMain removes the statistics benchmark's database, which is built once
// per process (Go calls a benchmark function several times).
func TestMain(m *testing.M) {
	code := m.Run()
	if statsBench.dir != "" && os.Getenv("MOPSCERT_STATS_BENCH_DIR") == "" {
		os.RemoveAll(statsBench.dir)
	}
	os.Exit(code)
}

var statsBench struct {
	once sync.Once
	dir  string
	e    *env
}

// statsBenchEnv is a tier "forty" (40 questions from 200 items) with
// 10,000 graded attempts: 400,000 scored responses with authored choices
// and first-save times, written in one transaction with the rows the
// service writes.
func statsBenchEnv(b *testing.B) *env {
	statsBench.once.Do(func() {
		// MOPSCERT_STATS_BENCH_DIR keeps the database between runs (and
		// reuses one found there) when tuning the statistics.
		dir := os.Getenv("MOPSCERT_STATS_BENCH_DIR")
		if dir != "" {
			if _, err := os.Stat(filepath.Join(dir, "test.db")); err == nil {
				statsBench.e = newEnvAt(b, dir, false)
				return
			}
		} else {
			var err error
			if dir, err = os.MkdirTemp("", "mopscert-stats-bench"); err != nil {
				b.Fatal(err)
			}
		}
		statsBench.dir = dir
		e := newEnvAt(b, dir, true)
		big := miniTier()
		big.Code, big.Level, big.Blueprint = "forty", 20, Blueprint{bank.Concepts: 15, bank.Tools: 15, bank.SoftSkills: 10}
		e.addTier(big)
		e.bulkItems("forty", 200)
		ctx := context.Background()
		r := rand.New(rand.NewPCG(1, 2))
		err := e.db.Update(ctx, func(tx *sql.Tx) error {
			for a := 0; a < 10000; a++ {
				uid, aid := fmt.Sprintf("u%05d", a), fmt.Sprintf("a%05d", a)
				start := t0.Add(time.Duration(a) * time.Minute)
				if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, email_norm, name, password_hash, role, created_at)
					VALUES (?, ?, ?, 'Bench', 'x', 'candidate', ?)`, uid, uid+"@example.com", uid+"@example.com", start); err != nil {
					return err
				}
				theta := r.NormFloat64()
				first := r.IntN(200)
				right := 0.0
				type q struct {
					item  string
					score float64
					pick  int
				}
				qs := make([]q, 40)
				for i := range qs {
					n := (first + i*5) % 200
					b := float64(n%41)/10 - 2
					s, pick := 0.0, 1+r.IntN(3)
					if r.Float64() < 1/(1+math.Exp(-1.7*(theta-b))) {
						s, pick = 1, 0
					}
					right += s
					qs[i] = q{fmt.Sprintf("bulk-forty-%05d", n), s, pick}
				}
				pct := math.Floor(right/40*1000) / 10
				outcome := OutcomeFailed
				if pct >= 60 {
					outcome = OutcomePassed
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO attempts (id, user_id, tier_code, status, seed, started_at, deadline,
					time_limit_seconds, pass_percent, submitted_at, outcome, correct, total, score_percent)
					VALUES (?, ?, 'forty', 'submitted', 1, ?, ?, 3600, 60, ?, ?, ?, 40, ?)`,
					aid, uid, start, start.Add(time.Hour), start.Add(40*time.Minute), outcome, right, pct); err != nil {
					return err
				}
				for i, x := range qs {
					qid := fmt.Sprintf("q%d", i+1)
					if _, err := tx.ExecContext(ctx, `INSERT INTO attempt_questions (attempt_id, question_id, position, item_id,
						item_version, domain, type, option_order, score) VALUES (?, ?, ?, ?, 1, 'concepts', 'single', '[0,1,2,3]', ?)`,
						aid, qid, i+1, x.item, x.score); err != nil {
						return err
					}
					at := start.Add(time.Duration(i+1) * time.Minute)
					if _, err := tx.ExecContext(ctx, `INSERT INTO answers (attempt_id, question_id, choices, flagged, saved_at,
						authored, first_saved_at) VALUES (?, ?, ?, 0, ?, ?, ?)`,
						aid, qid, fmt.Sprintf(`["%c"]`, 'a'+x.pick), at, fmt.Sprintf("[%d]", x.pick), at); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("build stats database: %v", err)
		}
		statsBench.e = e
	})
	if statsBench.e == nil {
		b.Fatal("stats database not built")
	}
	return statsBench.e
}

// BenchmarkTierStats10k answers a tier's statistics over 10,000 graded
// 40-item attempts. FirstLoad reads all 400,000 responses (once per
// process: the stats loop warms it at start); AfterGrading is a request
// after one more attempt was graded (reconcile, read the one attempt,
// recompute every figure); Unchanged is a request when nothing was graded.
func BenchmarkTierStats10k(b *testing.B) {
	e := statsBenchEnv(b)
	ctx := context.Background()
	b.Run("FirstLoad", func(b *testing.B) {
		for b.Loop() {
			e.svc.stats = &statsCache{}
			ts, err := e.svc.TierStats(ctx, "forty", time.Time{})
			if err != nil || ts.Test.Attempts != 10000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("AfterGrading", func(b *testing.B) {
		if _, err := e.svc.TierStats(ctx, "forty", time.Time{}); err != nil {
			b.Fatal(err)
		}
		cpu := cpuTime()
		for b.Loop() {
			// A regrade of one attempt's score stands in for a new
			// grading: both make exactly one attempt differ.
			if _, err := e.db.W.Exec(`UPDATE attempts SET score_percent = score_percent + 0.001 WHERE id = 'a00001'`); err != nil {
				b.Fatal(err)
			}
			if _, err := e.svc.TierStats(ctx, "forty", time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	})
	b.Run("Unchanged", func(b *testing.B) {
		if _, err := e.svc.TierStats(ctx, "forty", time.Time{}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := e.svc.TierStats(ctx, "forty", time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// cpuTime is the process's user and system CPU time: on a machine shared
// with other work, CPU per operation says more than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
