package db_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
)

// A file with a damaged page is refused at start with a message that says
// so, instead of opening and failing reads later.
func TestOpenRefusesDamagedFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "damaged.db")
	d, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.Exec(`CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if _, err := d.W.Exec(`INSERT INTO filler (body) VALUES (?)`, strings.Repeat("x", 1000)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.W.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	var pageSize, pages int64
	_ = d.W.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	_ = d.W.QueryRow(`PRAGMA page_count`).Scan(&pages)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	// Overwrite the last pages (the filler table's leaves) with junk.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", int(pageSize)))
	if _, err := f.WriteAt(junk, (pages-5)*pageSize); err != nil {
		t.Fatal(err)
	}
	f.Close()

	d, err = db.Open(ctx, path)
	if err == nil {
		d.Close()
		t.Fatal("opened a damaged database")
	}
	if !errors.Is(err, db.ErrDamaged) || !strings.Contains(err.Error(), "backup") {
		t.Fatalf("error = %v, want ErrDamaged naming a backup", err)
	}
}

func TestProbe(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		d := dbtest.Open(t)
		if err := d.Probe(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.R.QueryRow(`SELECT count(*) FROM health_probe`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("probe rows = %d (%v), want 1: the probe must really write", n, err)
		}
	})
	t.Run("OKCallerHungUp", func(t *testing.T) {
		// A health checker that gave up must not make the node report a
		// failure it would then repeat to every checker for probeEvery.
		d := dbtest.Open(t)
		gone, cancel := context.WithCancel(ctx)
		cancel()
		if err := d.Probe(gone); err != nil {
			t.Fatalf("Probe for a caller that hung up = %v, want the database's own answer", err)
		}
	})
	t.Run("ErrWriteFails", func(t *testing.T) {
		d := dbtest.Open(t)
		// A write that fails as a full disk would, without filling one.
		dbtest.FailWrites(t, d, "health_probe", "INSERT")
		if err := d.Probe(ctx); err == nil || !strings.Contains(err.Error(), "write probe") {
			t.Fatalf("Probe = %v, want a write failure", err)
		}
	})
}
