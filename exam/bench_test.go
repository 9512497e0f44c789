package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mopscert/mopscert/bank"
)

// bulkItems inserts n active items for tier in one transaction, spread over
// the domains, with the same rows bank.Store.CreateItem writes (10,000
// separate CreateItem transactions, each with its fsync, would dominate the
// benchmark's setup).
func (e *env) bulkItems(tier string, n int) {
	e.tb.Helper()
	ctx := context.Background()
	now := e.clk.Now()
	err := e.db.Update(ctx, func(tx *sql.Tx) error {
		for i := 0; i < n; i++ {
			d := bank.Domains[i%len(bank.Domains)]
			it := testItem(fmt.Sprintf("bulk-%s-%05d", tier, i), tier, d, i/len(bank.Domains))
			it.Stem = fmt.Sprintf("In a typical *marketing operations* team, which practice best supports **goal %d**?", i)
			for j := range it.Options {
				if it.Type != bank.TrueFalse {
					it.Options[j].Text = strings.TrimSpace(strings.Repeat(it.Options[j].Text+" ", 4))
				}
			}
			opts, _ := json.Marshal(it.Options)
			tiers, _ := json.Marshal(it.Tiers)
			if _, err := tx.ExecContext(ctx, `INSERT INTO items (id, version, status, domain, topic, type, stem, created_at, updated_at)
				VALUES (?, 1, 'active', ?, '', ?, ?, ?, ?)`, it.ID, it.Domain, it.Type, it.Stem, now, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO item_versions (item_id, version, domain, tiers, topic, type, stem, options, created_at)
				VALUES (?, 1, ?, ?, '', ?, ?, ?, ?)`, it.ID, it.Domain, string(tiers), it.Type, it.Stem, string(opts), now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO item_tiers (item_id, tier_code) VALUES (?, ?)`, it.ID, tier); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.tb.Fatalf("bulk items: %v", err)
	}
}

// BenchmarkStartAttempt10k starts a 30-question foundation exam drawn from
// a bank of 10,000 active items: eligibility, the pool read, the draw, the
// 30 item versions, the write transaction (31 rows and a COMMIT with fsync)
// and the rendering of the form.
func BenchmarkStartAttempt10k(b *testing.B) {
	e := newEnv(b)
	e.bulkItems("foundation", 10000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		u := e.addUser(fmt.Sprintf("u%d", i), "Bench")
		b.StartTimer()
		if _, err := e.svc.Start(ctx, u, "", "foundation"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGrade40 grades a 40-question form (the pure grading step).
func BenchmarkGrade40(b *testing.B) {
	spec := make([]gq, 40)
	types := []bank.Type{bank.Single, bank.Multiple, bank.TrueFalse}
	for i := range spec {
		spec[i] = gq{bank.Domains[i%3], types[i%3], []string{"b"}, i == 7}
	}
	qs, items, answers := gradeFixture(spec)
	b.ReportAllocs()
	for b.Loop() {
		gradeForm(qs, items, answers, "en", false, 70)
	}
}

// BenchmarkSubmit40 submits an answered 40-question attempt: item versions,
// the write transaction with grading and a certificate (signed Ed25519
// token), and the stored result.
func BenchmarkSubmit40(b *testing.B) {
	e := newEnv(b)
	big := miniTier()
	big.Code, big.Level, big.Blueprint = "forty", 20, Blueprint{bank.Concepts: 15, bank.Tools: 15, bank.SoftSkills: 10}
	e.addTier(big)
	e.bulkItems("forty", 600)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		u := e.addUser(fmt.Sprintf("u%d", i), "Bench")
		a, err := e.svc.Start(ctx, u, "", "forty")
		if err != nil {
			b.Fatal(err)
		}
		e.answerAll(u, a.ID, 40)
		b.StartTimer()
		res, err := e.svc.Submit(ctx, u, a.ID)
		if err != nil || res.Certificate == nil {
			b.Fatal(res, err)
		}
	}
}

// BenchmarkSaveAnswerParallel saves answers from many concurrent clients
// (16 goroutines per CPU, each on its own attempt) through the group-commit
// writer: every save is acknowledged only after its COMMIT (fsync).
func BenchmarkSaveAnswerParallel(b *testing.B) {
	e := newEnv(b)
	e.bulkItems("mini", 300)
	ctx := context.Background()
	const attempts = 64
	type att struct{ user, id string }
	var pool []att
	for i := 0; i < attempts; i++ {
		u := e.addUser(fmt.Sprintf("u%d", i), "Bench")
		a := e.start(u, "mini")
		pool = append(pool, att{u, a.ID})
	}
	var next atomic.Int64
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		me := pool[int(next.Add(1)-1)%attempts]
		i := 0
		for pb.Next() {
			i++
			q := fmt.Sprintf("q%d", i%5+1)
			if _, err := e.svc.SaveAnswer(ctx, me.user, me.id, q, []string{string(rune('a' + i%2))}, i%3 == 0); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "saves/s")
}
