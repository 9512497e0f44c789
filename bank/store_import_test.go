package bank

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db/dbtest"
)

// A dry run reads a snapshot and never takes the writer: it completes while
// another transaction holds the writer, and stores nothing.
func TestImportDryRunDoesNotTakeWriter(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	s := NewStore(d, clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	parsed, err := ParseYAML(bigBank(t, 300), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// An existing item the file changes, so the dry run plans an update too.
	if _, err := s.Import(ctx, parsed[:1], ImportOptions{Actor: "t"}); err != nil {
		t.Fatal(err)
	}
	parsed[0].Item.Rationale = "Changed."

	holding, release := make(chan struct{}), make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		writerDone <- d.Update(ctx, func(*sql.Tx) error { close(holding); <-release; return nil })
	}()
	<-holding
	defer func() { close(release); <-writerDone }()

	type result struct {
		res ImportResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := s.Import(ctx, parsed, ImportOptions{Actor: "t", DryRun: true})
		done <- result{r, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.res.Imported != 300 || r.res.Unchanged != 0 {
			t.Errorf("dry run = %d imported, %d unchanged; want 300 and 0", r.res.Imported, r.res.Unchanged)
		}
	case <-time.After(30 * time.Second): // a watchdog against a hang, not a measurement
		t.Fatal("a dry-run import waited for the writer")
	}
	var n int
	if err := d.R.QueryRow(`SELECT count(*) FROM items`).Scan(&n); err != nil || n != 1 {
		t.Errorf("items after dry run = %d (%v), want 1", n, err)
	}
}
