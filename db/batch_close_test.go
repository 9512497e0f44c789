package db_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
)

// Every Batch call racing Close must return: committed, or ErrClosed. Before
// the fix a write could be queued after the loop's final drain and wait
// forever. The deadline below only turns a hang into a failure message; it
// measures nothing.
func TestBatchRacingCloseAlwaysReturns(t *testing.T) {
	for round := 0; round < 20; round++ {
		d := dbtest.Open(t)
		if _, err := d.W.Exec(`CREATE TABLE n (i INTEGER)`); err != nil {
			t.Fatal(err)
		}
		const callers = 200
		var wg sync.WaitGroup
		errs := make(chan error, callers)
		start := make(chan struct{})
		for i := 0; i < callers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				errs <- d.Batch(context.Background(), func(tx *sql.Tx) error {
					_, err := tx.Exec(`INSERT INTO n VALUES (?)`, i)
					return err
				})
			}(i)
		}
		close(start)
		_ = d.Close()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("round %d: Batch calls still waiting after Close", round)
		}
		close(errs)
		for err := range errs {
			if err != nil && !errors.Is(err, db.ErrClosed) {
				t.Fatalf("round %d: Batch after Close: %v, want nil or ErrClosed", round, err)
			}
		}
		if err := d.Batch(context.Background(), func(*sql.Tx) error { return nil }); !errors.Is(err, db.ErrClosed) {
			t.Fatalf("Batch after Close = %v, want ErrClosed", err)
		}
	}
}
