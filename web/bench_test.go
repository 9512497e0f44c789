package web

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkAnswerSaveHTTP is the autosave path end to end: HTTP, session
// lookup, JSON, the attempt checks and the group-committed write, with 200
// candidates saving in parallel.
func BenchmarkAnswerSaveHTTP(b *testing.B) {
	t := b
	ts := newTestServerWith(b, false)
	type cand struct {
		token string
		a     apiAttempt
	}
	cands := make([]cand, 200)
	for i := range cands {
		tok := ts.candidate(t, fmt.Sprintf("bench%d@example.com", i))
		cands[i] = cand{tok, ts.start(t, tok, "foundation")}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var n atomic.Uint64
	b.SetParallelism(100) // 200 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			c := cands[i%200]
			q := c.a.Questions[(i/200)%uint64(len(c.a.Questions))]
			body := fmt.Sprintf(`{"choices":[%q],"flagged":false}`, q.Options[0].ID)
			req, _ := http.NewRequest("PUT", ts.URL+"/api/v1/attempts/"+c.a.ID+"/answers/"+q.ID, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+c.token)
			res, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "saves/s")
}
