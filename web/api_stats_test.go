package web

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/exam/simulate"
)

// simulate sits n synthetic candidates through the foundation exam.
func (ts *testServer) simulate(t testing.TB, n int) {
	t.Helper()
	r := &simulate.Runner{DB: ts.db, Exams: ts.exams, Items: ts.bank, Certs: ts.certs, Seed: 7, AllowReal: true,
		Advance: func(d time.Duration) { ts.clk.Advance(d) }}
	if _, err := r.Run(context.Background(), "foundation", n); err != nil {
		t.Fatal(err)
	}
}

func TestStatsAPI(t *testing.T) {
	ts := newTestServer(t)
	ts.simulate(t, 50)
	// The simulated hours outlast the admin's idle session.
	ts.admin = ts.login(t, "admin@example.com", "admin password here")

	r := ts.call(t, "GET", "/api/v1/admin/stats/items?tier=foundation", ts.admin, nil)
	if r.status != 200 {
		t.Fatalf("items: %d %s", r.status, r.body)
	}
	var items struct {
		MinN  int `json:"min_n"`
		Items []struct {
			ItemID    string   `json:"item_id"`
			Version   int      `json:"version"`
			N         int      `json:"n"`
			Facility  *float64 `json:"facility"`
			ItemRestR *float64 `json:"item_rest_r"`
			Exposure  float64  `json:"exposure"`
			Options   []struct {
				Index         int      `json:"index"`
				Correct       bool     `json:"correct"`
				Share         *float64 `json:"share"`
				PointBiserial *float64 `json:"point_biserial"`
			} `json:"options"`
			Flags []struct{ Code, Severity, Message string } `json:"flags"`
		} `json:"items"`
	}
	r.decode(t, &items)
	if items.MinN != 10 || len(items.Items) == 0 {
		t.Fatalf("min_n %d, %d items", items.MinN, len(items.Items))
	}
	responses, below, above := 0, 0, 0
	for _, it := range items.Items {
		responses += it.N
		if it.N < items.MinN {
			below++
			if it.Facility != nil || it.ItemRestR != nil || len(it.Flags) > 0 {
				t.Errorf("%s: n %d below min but figures %v %v %v", it.ItemID, it.N, it.Facility, it.ItemRestR, it.Flags)
			}
			continue
		}
		above++
		if it.Facility == nil || *it.Facility < 0 || *it.Facility > 1 {
			t.Errorf("%s: facility %v", it.ItemID, it.Facility)
		}
		for i, o := range it.Options {
			if o.Index != i || o.Share == nil || *o.Share < 0 || *o.Share > 1 {
				t.Errorf("%s option %d: %+v", it.ItemID, i, o)
			}
		}
		for _, f := range it.Flags {
			if f.Message == "" || f.Severity == "" {
				t.Errorf("%s: flag %+v without wording", it.ItemID, f)
			}
		}
	}
	if responses != 50*30 || above == 0 {
		t.Errorf("responses %d (want 1500), %d items with figures, %d below", responses, above, below)
	}

	r = ts.call(t, "GET", "/api/v1/admin/stats/tiers/foundation", ts.admin, nil)
	var tier struct {
		Tier      string   `json:"tier"`
		Attempts  int      `json:"attempts"`
		PassRate  *float64 `json:"pass_rate"`
		Alpha     *float64 `json:"alpha"`
		SEM       *float64 `json:"sem_percent"`
		Histogram []struct {
			From, To float64
			Count    int
		} `json:"histogram"`
	}
	r.decode(t, &tier)
	total := 0
	for _, b := range tier.Histogram {
		total += b.Count
	}
	if r.status != 200 || tier.Attempts != 50 || total != 50 || tier.PassRate == nil || *tier.PassRate < 0 || *tier.PassRate > 1 ||
		tier.Alpha == nil || tier.SEM == nil {
		t.Errorf("tier: %d %s", r.status, r.body)
	}

	r = ts.call(t, "GET", "/api/v1/admin/stats/responses.csv?tier=foundation", ts.admin, nil)
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil || r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("responses.csv: %d %v", r.status, err)
	}
	if got := strings.Join(rows[0], ","); got != "attempt_id,submitted_at,position,item_id,version,choices,score,synthetic" {
		t.Errorf("header %s", got)
	}
	if len(rows) != 1+50*30 {
		t.Errorf("responses.csv rows = %d, want %d", len(rows), 1+50*30)
	}

	r = ts.call(t, "GET", "/api/v1/admin/stats/items.csv?tier=foundation", ts.admin, nil)
	rows, err = csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil || r.status != 200 || len(rows) != 1+len(items.Items) || rows[0][1] != "item_id" {
		t.Errorf("items.csv: %d %v, %d rows", r.status, err, len(rows))
	}

	// Admin only; a bad since is the client's mistake; an unknown tier is 404.
	cand := ts.candidate(t, "cand@example.com")
	for _, c := range []struct {
		path, token string
		status      int
	}{
		{"/api/v1/admin/stats/items?tier=foundation", cand, 403},
		{"/api/v1/admin/stats/items?tier=foundation&since=yesterday", ts.admin, 400},
		{"/api/v1/admin/stats/tiers/nope", ts.admin, 404},
		{"/api/v1/admin/stats/items?tier=foundation&since=2099-01-01", ts.admin, 200},
	} {
		if r := ts.call(t, "GET", c.path, c.token, nil); r.status != c.status {
			t.Errorf("%s: %d, want %d (%s)", c.path, r.status, c.status, r.body)
		}
	}

	// The pages render, with the charts and their tables.
	r = ts.call(t, "GET", "/admin/stats?tier=foundation&sort=facility", ts.admin, nil)
	page := string(r.body)
	for _, want := range []string{`id="histogram"`, `id="itemmap"`, `<title id="histogram-t">`, `id="histogram-table"`, `id="itemmap-table"`, `items.csv?tier=foundation`} {
		if r.status != 200 || !strings.Contains(page, want) {
			t.Errorf("stats page: %d, missing %s", r.status, want)
		}
	}
	id := items.Items[0].ItemID
	r = ts.call(t, "GET", "/admin/stats/items/"+id+"?tier=foundation", ts.admin, nil)
	if r.status != 200 || !strings.Contains(string(r.body), "Item "+id) {
		t.Errorf("item page: %d", r.status)
	}
}
