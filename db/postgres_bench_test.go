package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
)

// BenchmarkBatchWriters is the shape of an autosave without HTTP or exam
// logic: each call reads one row and upserts another in its own write
// (Batch), from 16 writers at once. On SQLite that is group commit; on
// PostgreSQL one short serializable transaction per call, four round trips
// (BEGIN, SELECT, INSERT … ON CONFLICT, COMMIT). The ReadCommitted variant
// shows what SERIALIZABLE costs on top.
func BenchmarkBatchWriters(b *testing.B) {
	for _, rc := range []bool{false, true} {
		b.Run(fmt.Sprintf("readCommitted=%v", rc), func(b *testing.B) {
			d := dbtest.Open(b)
			if rc && d.Dialect() != db.Postgres {
				b.Skip("the same as Batch on SQLite")
			}
			ctx := context.Background()
			if _, err := d.W.Exec(`CREATE TABLE bench_rows (k TEXT PRIMARY KEY, v BIGINT NOT NULL)`); err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			b.SetParallelism(8) // 16 writers on two cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				k := fmt.Sprint("w", next.Add(1))
				i := 0
				for pb.Next() {
					i++
					fn := func(tx *sql.Tx) error {
						var n int
						if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bench_rows WHERE k = ?`, k).Scan(&n); err != nil {
							return err
						}
						_, err := tx.ExecContext(ctx, `INSERT INTO bench_rows (k, v) VALUES (?, ?)
							ON CONFLICT (k) DO UPDATE SET v = excluded.v`, k, i)
						return err
					}
					var err error
					if rc {
						err = d.UpdateReadCommitted(ctx, fn)
					} else {
						err = d.Batch(ctx, fn)
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
		})
	}
}
