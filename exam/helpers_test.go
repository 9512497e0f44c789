package exam

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
	"github.com/mopscert/mopscert/exam/cert"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// env is a Service on a real, migrated SQLite file with a fake clock, the
// real bank store and the real certificate service.
type env struct {
	tb    testing.TB
	db    *db.DB
	clk   *clock.Fake
	bank  *bank.Store
	certs *cert.Service
	svc   *Service
}

func mustOpenDB(tb testing.TB) *db.DB { tb.Helper(); return dbtest.Open(tb) }

// newEnv opens a database with the default tiers and the small "mini" tier
// (concepts 2, tools 2, soft_skills 1; 10 minutes; pass 60 %).
func newEnv(tb testing.TB) *env {
	tb.Helper()
	return newEnvOn(tb, mustOpenDB(tb), true)
}

// newEnvAt is newEnv on a database in dir, which outlives the test (for a
// benchmark database built once per process).
func newEnvAt(tb testing.TB, dir string, fresh bool) *env {
	tb.Helper()
	d, err := db.Open(context.Background(), filepath.Join(dir, "test.db"))
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	return newEnvOn(tb, d, fresh)
}

func newEnvOn(tb testing.TB, d *db.DB, fresh bool) *env {
	tb.Helper()
	ctx := context.Background()
	clk := clock.NewFake(t0)
	certs, err := cert.New(ctx, d, clk, "http://localhost:8080")
	if err != nil {
		tb.Fatalf("cert.New: %v", err)
	}
	e := &env{tb: tb, db: d, clk: clk, bank: bank.NewStore(d, clk), certs: certs}
	e.svc = NewService(d, clk, e.bank, certs, Config{Logger: slog.New(slog.DiscardHandler)})
	if err := e.svc.EnsureDefaultTiers(ctx); err != nil {
		tb.Fatalf("EnsureDefaultTiers: %v", err)
	}
	if fresh {
		e.addTier(miniTier())
	}
	return e
}

func miniTier() Tier {
	return Tier{
		Code: "mini", Name: "Mini", Level: 10, TimeLimitSeconds: 600, PassPercent: 60, ValidityDays: 365,
		Blueprint:         Blueprint{bank.Concepts: 2, bank.Tools: 2, bank.SoftSkills: 1},
		RetakeWaitSeconds: 3600, MaxAttempts: 3, AttemptWindowDays: 90,
	}
}

func (e *env) addTier(t Tier) {
	e.tb.Helper()
	err := e.db.Update(context.Background(), func(tx *sql.Tx) error {
		return insertTier(context.Background(), tx, t, e.clk.Now(), "")
	})
	if err != nil {
		e.tb.Fatalf("add tier %s: %v", t.Code, err)
	}
}

func (e *env) addUser(id, name string) string {
	e.tb.Helper()
	_, err := e.db.W.Exec(`INSERT INTO users (id, email, email_norm, name, password_hash, role, created_at)
		VALUES (?, ?, ?, ?, 'x', 'candidate', ?)`, id, id+"@example.com", id+"@example.com", name, e.clk.Now())
	if err != nil {
		e.tb.Fatalf("add user: %v", err)
	}
	return id
}

// addItems creates n active items of domain for tier through the bank
// store, cycling through the three types. Ids are tier-domain-NNN.
func (e *env) addItems(tier string, d bank.Domain, n int) []string {
	e.tb.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		it := testItem(fmt.Sprintf("%s-%s-%03d", tier, strings.ReplaceAll(string(d), "_", "-"), i), tier, d, i)
		if err := e.bank.CreateItem(context.Background(), it, "test"); err != nil {
			e.tb.Fatalf("create item: %v", err)
		}
		ids = append(ids, it.ID)
	}
	return ids
}

// fill gives tier exactly factor × its blueprint of active items.
func (e *env) fill(tier string, factor int) {
	e.tb.Helper()
	t, err := e.svc.Tier(context.Background(), tier)
	if err != nil {
		e.tb.Fatal(err)
	}
	for _, d := range bank.Domains {
		e.addItems(tier, d, t.Blueprint[d]*factor)
	}
}

func testItem(id, tier string, d bank.Domain, i int) *bank.Item {
	it := &bank.Item{ID: id, Status: bank.Active, Domain: d, Tiers: []string{tier},
		Stem: fmt.Sprintf("Which statement about **%s topic %d** holds?", d, i)}
	switch i % 3 {
	case 0:
		it.Type = bank.Single
		it.Options = []bank.Option{{Text: "Alpha", Correct: i%2 == 0}, {Text: "Beta", Correct: i%2 == 1}, {Text: "Gamma"}, {Text: "Delta"}}
	case 1:
		it.Type = bank.Multiple
		it.Options = []bank.Option{{Text: "One", Correct: true}, {Text: "Two"}, {Text: "Three", Correct: true}, {Text: "Four"}}
	case 2:
		it.Type = bank.TrueFalse
		it.Options = []bank.Option{{Text: "False"}, {Text: "True", Correct: true}}
	}
	return it
}

// key returns, per question id, the displayed option ids of the correct
// options: what a perfect candidate would pick.
func (e *env) key(attemptID string) map[string][]string {
	e.tb.Helper()
	ctx := context.Background()
	var qs []questionRow
	err := e.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		qs, err = findQuestions(ctx, tx, attemptID)
		return err
	})
	if err != nil {
		e.tb.Fatal(err)
	}
	items, err := e.bank.ItemVersions(ctx, refsOf(qs))
	if err != nil {
		e.tb.Fatal(err)
	}
	out := map[string][]string{}
	for _, q := range qs {
		for p, idx := range q.Order {
			if items[q.Ref].Options[idx].Correct {
				out[q.ID] = append(out[q.ID], optionID(p))
			}
		}
	}
	return out
}

// wrong returns a wrong single choice for a question (for failing on purpose).
func wrongChoice(key []string) []string {
	for _, c := range []string{"a", "b", "c", "d"} {
		if len(key) != 1 || key[0] != c {
			return []string{c}
		}
	}
	return nil
}

// answerAll saves the key for the first n questions (in position order)
// and a wrong answer for the rest.
func (e *env) answerAll(user, attemptID string, n int) {
	e.tb.Helper()
	k := e.key(attemptID)
	for i := 1; i <= len(k); i++ {
		qid := fmt.Sprintf("q%d", i)
		choice := k[qid]
		if i > n {
			choice = wrongChoice(k[qid])
		}
		if _, err := e.svc.SaveAnswer(context.Background(), user, attemptID, qid, choice, false); err != nil {
			e.tb.Fatalf("save %s: %v", qid, err)
		}
	}
}

// start starts tier for user or fails the test.
func (e *env) start(user, tier string) *Attempt {
	e.tb.Helper()
	a, err := e.svc.Start(context.Background(), user, "", tier)
	if err != nil {
		e.tb.Fatalf("start %s: %v", tier, err)
	}
	return a
}

// grantCert gives user a valid certificate for tier without an exam.
func (e *env) grantCert(user, tier string) cert.Credential {
	e.tb.Helper()
	c, err := e.certs.Issue(context.Background(), cert.IssueRequest{
		AttemptID: db.NewID("a"), UserID: user, HolderName: "Test Holder", Tier: tier, TierName: tier,
		ValidFor: 365 * 24 * time.Hour,
	})
	if err != nil {
		e.tb.Fatalf("issue: %v", err)
	}
	return c
}

func (e *env) count(q string, args ...any) int {
	e.tb.Helper()
	var n int
	if err := e.db.R.QueryRow(q, args...).Scan(&n); err != nil {
		e.tb.Fatalf("count: %v", err)
	}
	return n
}

// wantErr fails unless err matches want (by kind and code).
func wantErr(tb testing.TB, err error, want *apperr.Error) *apperr.Error {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("err = %v, want %s", err, want.Code)
	}
	ae, _ := apperr.As(err)
	return ae
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
