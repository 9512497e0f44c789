package bank

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db/dbtest"
)

// stagedImport plans and stages data into a new database and returns the
// store and the import id, ready to publish.
func stagedImport(b *testing.B, data []byte, edit bool) (*Store, string) {
	b.Helper()
	ctx := context.Background()
	s := NewStore(dbtest.Open(b), clock.NewFake(tImport))
	parsed := mustParse(b, data)
	if edit { // the file changes every stored item: the publish edits them all
		if _, err := s.Import(ctx, parsed, ImportOptions{Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
		parsed = mustParse(b, data)
		for i := range parsed {
			parsed[i].Item.Rationale = "Changed."
		}
	}
	var rows []stagedRow
	if err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		_, rows, err = s.planImport(ctx, tx, parsed, ImportOptions{Actor: "bench"})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	id := "imp_bench"
	if err := s.stage(ctx, id, rows, len(parsed), ImportOptions{Actor: "bench"}); err != nil {
		b.Fatal(err)
	}
	return s, id
}

// BenchmarkImportPublish20k measures the one transaction that makes a
// staged 20,000-item import visible: how long it holds the writer, i.e. the
// longest an autosave can wait for an import.
func BenchmarkImportPublish20k(b *testing.B) {
	data := bigBank(b, 20_000)
	for _, bc := range []struct {
		name string
		edit bool
	}{{"New", false}, {"Edits", true}} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s, id := stagedImport(b, data, bc.edit)
				b.StartTimer()
				if err := s.publish(context.Background(), id, "bench", nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkImportStageChunk measures one staging transaction of stageChunk
// rows: the other thing an autosave can wait for during an import.
func BenchmarkImportStageChunk(b *testing.B) {
	ctx := context.Background()
	s := NewStore(dbtest.Open(b), clock.NewFake(tImport))
	parsed := mustParse(b, bigBank(b, stageChunk))
	var rows []stagedRow
	if err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		_, rows, err = s.planImport(ctx, tx, parsed, ImportOptions{Actor: "bench"})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := fmt.Sprintf("imp_bench%d", i)
		if err := s.stage(ctx, id, rows, len(rows), ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer() // the next round writes the same new ids
		if err := s.dropImport(ctx, id); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
