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
	type save struct{ path, body string } // one choice question's save
	type cand struct {
		token string
		saves []save
	}
	cands := make([]cand, 200)
	for i := range cands {
		tok := ts.candidate(t, fmt.Sprintf("bench%d@example.com", i))
		a := ts.start(t, tok, "foundation")
		c := cand{token: tok}
		for _, q := range a.Questions {
			if len(q.Options) > 0 && q.Type != "ordering" && q.Type != "matching" {
				c.saves = append(c.saves, save{"/api/v1/attempts/" + a.ID + "/answers/" + q.ID,
					fmt.Sprintf(`{"choices":[%q],"flagged":false}`, q.Options[0].ID)})
			}
		}
		cands[i] = c
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var n atomic.Uint64
	b.SetParallelism(100) // 200 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			c := cands[i%200]
			sv := c.saves[(i/200)%uint64(len(c.saves))]
			req, _ := http.NewRequest("PUT", ts.URL+sv.path, strings.NewReader(sv.body))
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
