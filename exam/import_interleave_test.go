package exam

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mopscert/mopscert/bank"
)

// Autosaves go on while a large import runs: the import writes in short
// chunks and between them the writer is free. Mid-way through staging the
// import waits (in its progress callback, outside any transaction) until a
// candidate's saves have completed; an import that held the writer for its
// whole length would make those saves, and so this test, hang. No timing is
// measured; the figure is BenchmarkImportPublish20k and cmd/loadgen.
func TestAutosaveInterleavesWithImport(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fill("mini", 1)
	u := e.addUser("u1", "Ada")
	a := e.start(u, "mini")
	q := firstOfType(a, bank.Single)
	if q == "" {
		t.Fatal("the form has no single-choice question")
	}

	const n = 5000
	parsed := make([]bank.Parsed, n)
	for i := range parsed {
		parsed[i] = bank.Parsed{Line: i + 1, Item: *testItem(fmt.Sprintf("bulk-%05d", i), "foundation", bank.Domains[i%3], i)}
	}

	var saves atomic.Int64         // saves completed
	var duringStaging atomic.Int64 // saves completed while the import was staging
	var staging atomic.Bool
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a candidate answering, again and again
		defer wg.Done()
		choices := [][]string{{"a"}, {"b"}}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := e.svc.SaveAnswer(ctx, u, a.ID, q, choices[i%2], false); err != nil {
				t.Error(err)
				return
			}
			saves.Add(1)
			if staging.Load() {
				duringStaging.Add(1)
			}
		}
	}()

	waited := false
	res, err := e.bank.Import(ctx, parsed, bank.ImportOptions{Actor: "t", Progress: func(done, total int) {
		staging.Store(done < total)
		if waited || done < total/2 {
			return
		}
		waited = true
		// Half the file is staged and none of it is visible yet.
		if pool, err := e.bank.DrawPool(ctx, "foundation"); err != nil || len(pool) != 0 {
			t.Errorf("foundation pool mid-import = %d items, %v; want none", len(pool), err)
		}
		from := saves.Load()
		watchdog := time.After(30 * time.Second) // against a hang, not a measurement
		for saves.Load() < from+3 {
			select {
			case <-watchdog:
				t.Fatal("autosaves did not complete while the import was staging")
			case <-time.After(time.Millisecond):
			}
		}
	}})
	close(stop)
	wg.Wait()
	if err != nil || res.Imported != n {
		t.Fatalf("import = %d imported, %v; want %d", res.Imported, err, n)
	}
	if duringStaging.Load() < 3 {
		t.Errorf("%d saves completed during staging, want at least 3", duringStaging.Load())
	}
	if pool, err := e.bank.DrawPool(ctx, "foundation"); err != nil || len(pool) != n {
		t.Errorf("foundation pool after the import = %d items, %v; want %d", len(pool), err, n)
	}
	if got := e.count(`SELECT count(*) FROM answers WHERE attempt_id = ?`, a.ID); got != 1 {
		t.Errorf("answers = %d, want the one answer, saved over and over", got)
	}
	t.Logf("%d saves in all, %d of them while the import was staging", saves.Load(), duringStaging.Load())
}
