package bank

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db/dbtest"
)

// BenchmarkImportVariants1k translates 1,000 items from a GIFT file (the
// export with its texts marked German): parse, plan on a snapshot, and the
// staged, published new versions. ms/real-import is the storing import
// alone; ms/max-write-wait is the longest a one-row write (an autosave's
// size) waited for the writer while it ran.
func BenchmarkImportVariants1k(b *testing.B) {
	ctx := context.Background()
	parsed, err := ParseYAML(bigBank(b, 1000), ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	items := make([]Item, len(parsed))
	for i := range parsed {
		items[i] = parsed[i].Item
	}
	var buf bytes.Buffer
	if err := WriteGIFT(&buf, items); err != nil {
		b.Fatal(err)
	}
	gift := buf.String()
	var hold, wait time.Duration
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		d := dbtest.Open(b)
		s := NewStore(d, clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
		if _, err := s.Import(ctx, parsed, ImportOptions{Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
		de := strings.ReplaceAll(gift, "Scenario", fmt.Sprintf("Szenario %d", n))
		b.StartTimer()
		p, _, err := ParseGIFT([]byte(de), ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ImportVariants(ctx, "de", p, ImportOptions{Actor: "bench", DryRun: true}); err != nil {
			b.Fatal(err)
		}
		stop, waited := make(chan struct{}), make(chan time.Duration)
		go func() {
			var worst time.Duration
			for {
				select {
				case <-stop:
					waited <- worst
					return
				default:
				}
				t := time.Now()
				_ = d.Update(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, `UPDATE imports SET touched_at = touched_at WHERE id = 'none'`)
					return err
				})
				worst = max(worst, time.Since(t))
				time.Sleep(time.Millisecond)
			}
		}()
		t0 := time.Now()
		res, err := s.ImportVariants(ctx, "de", p, ImportOptions{Actor: "bench"})
		if err != nil || res.Imported != 1000 {
			b.Fatalf("%+v %v", res, err)
		}
		hold += time.Since(t0)
		close(stop)
		wait = max(wait, <-waited)
	}
	b.ReportMetric(float64(hold.Microseconds())/float64(b.N)/1000, "ms/real-import")
	b.ReportMetric(float64(wait.Microseconds())/1000, "ms/max-write-wait")
}
