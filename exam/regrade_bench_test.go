package exam

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkRegradeDryRun plans a void over 200 graded attempts: the cost an
// admin waits for per dry run (an apply adds the writes).
func BenchmarkRegradeDryRun(b *testing.B) {
	e := newEnv(b)
	tr := miniTier()
	tr.Code, tr.Name, tr.Level, tr.PassPercent = "r70", "R70", 11, 70
	e.addTier(tr)
	e.fill("r70", 1)
	for i := range 200 {
		e.sit(fmt.Sprintf("b%03d", i), wrongOn(others[:i%4]...))
	}
	req := RegradeRequest{ItemID: itemX, Action: RegradeVoid, Reason: "bench", DryRun: true}
	for b.Loop() {
		r, err := e.svc.Regrade(context.Background(), req, "bench")
		if err != nil || r.AffectedAttempts != 200 {
			b.Fatalf("%v %v", r, err)
		}
	}
}
