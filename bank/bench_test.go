package bank

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db/dbtest"
)

// bigBank writes n varied items in the native YAML format.
func bigBank(b testing.TB, n int) []byte {
	b.Helper()
	items := make([]Item, n)
	domains := []Domain{Concepts, Tools, SoftSkills}
	tiers := []string{"foundation", "practitioner", "leader"}
	for i := range items {
		items[i] = Item{
			ID: fmt.Sprintf("bench-%05d", i), Status: Active, Domain: domains[i%3], Tiers: []string{tiers[(i/3)%3]},
			Topic: fmt.Sprintf("topic %d", i%40), Type: Single,
			Stem: fmt.Sprintf("Scenario %d: a campaign manager asks for a new **lead score** threshold of %d points. What should you check first?", i, i%100),
			Options: []Option{
				{Text: fmt.Sprintf("The conversion history of leads above %d points", i%100), Correct: true, Feedback: "Evidence first."},
				{Text: "Whether the sales team likes the number"}, {Text: "The colour of the scoring dashboard"}, {Text: "How many fields the form has"},
			},
			Rationale: "Thresholds follow conversion evidence.", Source: "benchmark",
		}
	}
	var buf bytes.Buffer
	if err := WriteYAML(&buf, items); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImportYAML10k parses and imports a 10,000-item YAML bank into an
// empty database in one transaction (the admin import path).
func BenchmarkImportYAML10k(b *testing.B) {
	data := bigBank(b, 10_000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := NewStore(dbtest.Open(b), clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
		b.StartTimer()
		parsed, err := ParseYAML(data, ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		res, err := s.Import(context.Background(), parsed, ImportOptions{Actor: "bench"})
		if err != nil || res.Imported != 10_000 {
			b.Fatalf("import: %v %+v", err, res.Imported)
		}
	}
}

// BenchmarkFindItems10k lists one filtered page of a 10,000-item bank, the
// admin bank page's query.
func BenchmarkFindItems10k(b *testing.B) {
	s := NewStore(dbtest.Open(b), clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	parsed, err := ParseYAML(bigBank(b, 10_000), ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Import(context.Background(), parsed, ImportOptions{Actor: "bench"}); err != nil {
		b.Fatal(err)
	}
	filters := map[string]Filter{
		"DomainTierStatus": {Domain: Tools, Tier: "practitioner", Status: Active, Limit: 50},
		"TextSearch":       {Query: "threshold of 42", Limit: 50},
		"DeepPage":         {Domain: Concepts, Limit: 50, Offset: 3000},
	}
	for name, f := range filters {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				items, total, err := s.FindItems(context.Background(), f)
				if err != nil || total == 0 || len(items) == 0 {
					b.Fatalf("FindItems = %d items of %d, %v", len(items), total, err)
				}
			}
		})
	}
}
