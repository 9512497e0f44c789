package bank

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
)

var tImport = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// withChunk sets the staging chunk size for one test, so a small file still
// stages in several transactions.
func withChunk(t testing.TB, n int) {
	old := stageChunk
	stageChunk = n
	t.Cleanup(func() { stageChunk = old })
}

func mustParse(t testing.TB, data []byte) []Parsed {
	t.Helper()
	parsed, err := ParseYAML(data, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

func countRows(t testing.TB, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.R.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// pending counts what running or dead imports hold: hidden new items and
// staged versions.
func pending(t testing.TB, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.R.QueryRow(`SELECT (SELECT count(*) FROM import_staging) +
		(SELECT count(*) FROM items WHERE import_id IS NOT NULL)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// bankView is everything a reader of the bank can see: listing, versions,
// draw pools and the export.
type bankView struct {
	total    int
	versions int
	pools    []int
	export   string
}

func viewBank(t testing.TB, s *Store, probe string) bankView {
	t.Helper()
	ctx := context.Background()
	var v bankView
	var err error
	if _, v.total, err = s.FindItems(ctx, Filter{}); err != nil {
		t.Fatal(err)
	}
	vs, err := s.Versions(ctx, probe)
	if err != nil {
		t.Fatal(err)
	}
	v.versions = len(vs)
	for _, tier := range []string{"foundation", "practitioner", "leader"} {
		pool, err := s.DrawPool(ctx, tier)
		if err != nil {
			t.Fatal(err)
		}
		v.pools = append(v.pools, len(pool))
	}
	all, err := s.AllItems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items := make([]Item, len(all))
	for i, it := range all {
		items[i] = *it
	}
	var buf bytes.Buffer
	if err := WriteYAML(&buf, items); err != nil {
		t.Fatal(err)
	}
	v.export = buf.String()
	return v
}

// An import whose process dies after some chunks were staged leaves nothing
// of it visible; a restart cleans its staging up; the import then runs again.
func TestImportKilledHalfWayLeavesNothing(t *testing.T) {
	ctx := context.Background()
	withChunk(t, 100)
	path := dbtest.DSN(t)
	d, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(tImport)
	s := NewStore(d, clk)
	data := bigBank(t, 1000)
	if _, err := s.Import(ctx, mustParse(t, data)[:10], ImportOptions{Actor: "t"}); err != nil {
		t.Fatal(err)
	}
	before := viewBank(t, s, "bench-00000")

	// The file edits the ten stored items and adds 990.
	parsed := mustParse(t, data)
	for i := range 10 {
		parsed[i].Item.Rationale = "Changed."
	}
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		_, _ = s.Import(ctx, parsed, ImportOptions{Actor: "t", Progress: func(done, _ int) {
			if done >= 300 {
				runtime.Goexit() // the process dies here: no error path, no cleanup
			}
		}})
		t.Error("the import went on past its death")
	}()
	<-exited
	if n := pending(t, d); n < 300 {
		t.Fatalf("staged rows = %d, want at least 300: the test must kill an import that staged something", n)
	}
	if after := viewBank(t, s, "bench-00000"); !reflect.DeepEqual(after, before) {
		t.Errorf("a killed import is visible: items %d→%d, versions %d→%d, pools %v→%v, export changed %v",
			before.total, after.total, before.versions, after.versions, before.pools, after.pools, after.export != before.export)
	}
	if _, err := s.FindItemVersion(ctx, "bench-00000", 2); !errors.Is(err, ErrVersionNotFound) {
		t.Errorf("staged version 2 = %v, want ErrVersionNotFound", err)
	}
	if _, err := s.FindItemByID(ctx, "bench-00150"); !errors.Is(err, ErrNotFound) {
		t.Errorf("hidden new item = %v, want ErrNotFound", err)
	}
	if ev, err := s.Events(ctx, "bench-00150"); err != nil || len(ev) != 0 {
		t.Errorf("hidden new item's history = %v, %v; want none", ev, err)
	}

	// Restart: a new process cleans up what the dead import left.
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	clk.Advance(StaleImport + time.Minute)
	s = NewStore(d, clk)
	if err := s.CleanImports(ctx); err != nil {
		t.Fatal(err)
	}
	if n, m := pending(t, d), countRows(t, d, "imports"); n != 0 || m != 0 {
		t.Errorf("after cleanup: %d pending rows, %d imports; want none", n, m)
	}

	res, err := s.Import(ctx, mustParse(t, data), ImportOptions{Actor: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 990 || res.Unchanged != 10 {
		t.Errorf("import again = %d imported, %d unchanged; want 990 and 10", res.Imported, res.Unchanged)
	}
	if got := viewBank(t, s, "bench-00000"); got.total != 1000 || got.versions != 1 {
		t.Errorf("after the import: %d items, %d versions of bench-00000; want 1000 and 1", got.total, got.versions)
	}
}

// A stale import is cleaned, a live one is not: another process may be
// importing while the server starts.
func TestCleanImportsKeepsLiveImport(t *testing.T) {
	ctx := context.Background()
	withChunk(t, 50)
	d := dbtest.Open(t)
	clk := clock.NewFake(tImport)
	s := NewStore(d, clk)
	parsed := mustParse(t, bigBank(t, 200))
	res, err := s.Import(ctx, parsed, ImportOptions{Actor: "t", Progress: func(done, _ int) {
		if done == 100 {
			// Another process starts and cleans up mid-import.
			if err := NewStore(d, clk).CleanImports(ctx); err != nil {
				t.Error(err)
			}
			if pending(t, d) != 100 {
				t.Error("cleanup removed a live import's staging")
			}
		}
	}})
	if err != nil || res.Imported != 200 {
		t.Fatalf("import = %+v, %v; want 200 imported", res.Imported, err)
	}
	if n, m := pending(t, d), countRows(t, d, "imports"); n != 0 || m != 0 {
		t.Errorf("after the import: %d pending rows, %d imports; want none", n, m)
	}
}

// When the bank changes under an import between its plan and its publish,
// the import fails whole and cleanly; an unrelated concurrent change, or
// import, does not disturb it.
func TestImportConcurrentChanges(t *testing.T) {
	other := func(id, stem string) Item {
		return Item{ID: id, Status: Draft, Domain: Tools, Tiers: []string{"leader"}, Type: Single, Stem: stem,
			Options: []Option{{Text: "Yes", Correct: true}, {Text: "No"}}}
	}
	tests := []struct {
		name      string
		meanwhile func(t *testing.T, s *Store) // runs after the import staged its first chunk
		wantErr   error
	}{
		{"SameNewIDOtherImport", func(t *testing.T, s *Store) {
			if _, err := s.Import(context.Background(), []Parsed{{Line: 1, Item: other("bench-00150", "Theirs.")}}, ImportOptions{Actor: "b"}); err != nil {
				t.Fatal(err)
			}
		}, ErrImportConflict},
		{"SameNewIDEditor", func(t *testing.T, s *Store) {
			it := other("bench-00199", "An editor's.")
			if err := s.CreateItem(context.Background(), &it, "e"); err != nil {
				t.Fatal(err)
			}
		}, ErrImportConflict},
		{"EditedMeanwhile", func(t *testing.T, s *Store) {
			it, err := s.FindItemByID(context.Background(), "bench-00001")
			if err != nil {
				t.Fatal(err)
			}
			it.Topic = "edited meanwhile"
			if err := s.UpdateItem(context.Background(), it, "e"); err != nil {
				t.Fatal(err)
			}
		}, ErrImportConflict},
		{"VoidedMeanwhile", func(t *testing.T, s *Store) {
			if _, err := s.SetStatus(context.Background(), "bench-00002", Void, "e"); err != nil {
				t.Fatal(err)
			}
		}, ErrImportConflict},
		{"OtherImportWantsHiddenID", func(t *testing.T, s *Store) {
			_, err := s.Import(context.Background(), []Parsed{{Line: 1, Item: other("bench-00010", "Theirs.")}}, ImportOptions{Actor: "b"})
			if !errors.Is(err, ErrImportConflict) {
				t.Errorf("an import of an id another import holds = %v, want ErrImportConflict", err)
			}
		}, nil},
		{"UnrelatedImport", func(t *testing.T, s *Store) {
			if _, err := s.Import(context.Background(), []Parsed{{Line: 1, Item: other("elsewhere", "Unrelated.")}}, ImportOptions{Actor: "b"}); err != nil {
				t.Fatal(err)
			}
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			withChunk(t, 50)
			d := dbtest.Open(t)
			s := NewStore(d, clock.NewFake(tImport))
			data := bigBank(t, 200)
			if _, err := s.Import(ctx, mustParse(t, data)[:5], ImportOptions{Actor: "t"}); err != nil {
				t.Fatal(err)
			}
			parsed := mustParse(t, data)
			for i := range 5 {
				parsed[i].Item.Rationale = "Changed by the file."
			}
			before := countRows(t, d, "items")
			ran := false
			_, err := s.Import(ctx, parsed, ImportOptions{Actor: "t", Progress: func(int, int) {
				if !ran {
					ran = true
					tc.meanwhile(t, s)
				}
			}})
			if !errors.Is(err, tc.wantErr) && !(tc.wantErr == nil && err == nil) {
				t.Fatalf("import = %v, want %v", err, tc.wantErr)
			}
			n, staged := countRows(t, d, "items"), pending(t, d)
			if staged != 0 || countRows(t, d, "imports") != 0 {
				t.Errorf("%d staged rows left behind", staged)
			}
			if tc.wantErr != nil {
				if n > before+1 {
					t.Errorf("a failed import left %d items visible (had %d)", n, before)
				}
				if it, err := s.FindItemByID(ctx, "bench-00000"); err != nil || it.Version != 1 {
					t.Errorf("bench-00000 after a failed import = %+v, %v; want version 1", it, err)
				}
				return
			}
			if n != 200 && n != 201 {
				t.Errorf("items = %d, want 200 (and 1 unrelated)", n)
			}
		})
	}
}

// A file that names one id twice stores two versions, as a single
// transaction did: the item points at the second, its tiers are the
// second's, and the history has both.
func TestImportSameIDTwiceInOneFile(t *testing.T) {
	ctx := context.Background()
	s := NewStore(dbtest.Open(t), clock.NewFake(tImport))
	parsed := mustParse(t, bigBank(t, 2))
	second := parsed[0]
	second.Item.Tiers = []string{"leader"}
	second.Item.Stem = "The second text."
	parsed = append(parsed, second, parsed[1])
	res, err := s.Import(ctx, parsed, ImportOptions{Actor: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 3 || res.Unchanged != 1 {
		t.Errorf("import = %d imported, %d unchanged; want 3 and 1", res.Imported, res.Unchanged)
	}
	it, err := s.FindItemByID(ctx, "bench-00000")
	if err != nil {
		t.Fatal(err)
	}
	if it.Version != 2 || it.Stem != "The second text." || !reflect.DeepEqual(it.Tiers, []string{"leader"}) {
		t.Errorf("item = v%d %q %v; want v2, the second text, [leader]", it.Version, it.Stem, it.Tiers)
	}
	pool, err := s.DrawPool(ctx, "leader")
	if err != nil || len(pool) != 1 || pool[0].Version != 2 {
		t.Errorf("leader pool = %+v, %v; want bench-00000 v2", pool, err)
	}
	if pool, _ := s.DrawPool(ctx, "foundation"); len(pool) != 1 || pool[0].ID != "bench-00001" {
		t.Errorf("foundation pool = %+v; want bench-00001 only", pool)
	}
	ev, err := s.Events(ctx, "bench-00000")
	if err != nil || len(ev) != 2 || ev[0].Action != "edit" || ev[1].Action != "create" || ev[1].ToStatus != Active {
		t.Errorf("events = %+v, %v; want edit then create (to active)", ev, err)
	}
}
