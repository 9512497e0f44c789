package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
)

// SQLite only: pragmas are SQLite's per-connection settings.
func TestPragmasOnEveryConnection(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	ctx := context.Background()
	// Hold several read connections at once so the pool must open new ones.
	var conns []*sql.Conn
	for i := 0; i < 3; i++ {
		c, err := d.R.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	w, err := d.W.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conns = append(conns, w)
	for i, c := range conns {
		var mode string
		var fk, sync, busy int
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		_ = c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		_ = c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync)
		_ = c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy)
		if mode != "wal" || fk != 1 || sync != 2 || busy != 10000 {
			t.Errorf("conn %d: journal_mode=%s foreign_keys=%d synchronous=%d busy_timeout=%d; want wal 1 2(FULL) 10000", i, mode, fk, sync, busy)
		}
		c.Close()
	}
}

// SQLite only: on PostgreSQL reads and writes share one pool.
func TestReadPoolIsReadOnly(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	_, err := d.R.Exec(`CREATE TABLE x (a)`)
	if err == nil {
		t.Fatal("write through the read pool succeeded")
	}
}

func TestBatch(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	if _, err := d.W.Exec(`CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	errBoom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = d.Batch(ctx, func(tx *sql.Tx) error {
				if _, err := tx.Exec(`INSERT INTO kv VALUES (?, 'x')`, fmt.Sprint(i)); err != nil {
					return err
				}
				if i%10 == 0 {
					return errBoom // rolls back only this write
				}
				return nil
			})
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if i%10 == 0 && !errors.Is(err, errBoom) {
			t.Errorf("write %d: err = %v, want boom", i, err)
		}
		if i%10 != 0 && err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	var n int
	if err := d.R.QueryRow(`SELECT count(*) FROM kv`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if got, want := n, 180; got != want {
		t.Errorf("rows = %d, want %d (every acknowledged write, none of the failed ones)", got, want)
	}
}

func TestSchemaTooNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)`, db.KnownVersion()+5); err != nil {
		t.Fatal(err)
	}
	d.Close()
	_, err = db.Open(context.Background(), path)
	if !errors.Is(err, db.ErrSchemaTooNew) {
		t.Fatalf("Open = %v, want ErrSchemaTooNew", err)
	}
}

func BenchmarkBatchParallel(b *testing.B) {
	d := dbtest.Open(b)
	if _, err := d.W.Exec(`CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	n := 0
	b.SetParallelism(50)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			n++
			k := n
			mu.Unlock()
			if err := d.Batch(context.Background(), func(tx *sql.Tx) error {
				_, err := tx.Exec(`INSERT OR REPLACE INTO kv VALUES (?, 'x')`, k%1000)
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkUpdateSerial(b *testing.B) {
	d := dbtest.Open(b)
	if _, err := d.W.Exec(`CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if err := d.Update(context.Background(), func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT OR REPLACE INTO kv VALUES (?, 'x')`, i%1000)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}
